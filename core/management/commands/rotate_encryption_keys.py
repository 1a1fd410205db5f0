from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core import crypto
from core.crypto import EncryptedTextField


def encrypted_fields():
    """Every model's encrypted fields: (model, fields kept by EncryptedTextField, fields holding raw tokens)."""
    for model in apps.get_models():
        concrete = [field for field in model._meta.concrete_fields]
        typed = [field.name for field in concrete if isinstance(field, EncryptedTextField)]
        # A plain text field named "…_encrypted" holds a Fernet token that its model decrypts itself.
        raw = [field.name for field in concrete if field.name.endswith("_encrypted")]
        if typed or raw:
            yield model, typed, raw


class Command(BaseCommand):
    help = (
        "Re-encrypt everything encrypted at rest under the first key in FIELD_ENCRYPTION_KEYS. "
        "Run after putting a new key first; then the old key can be removed."
    )

    def handle(self, *args, **options):
        counts = {}
        with transaction.atomic():
            for model, typed, raw in encrypted_fields():
                rows = list(model._default_manager.select_for_update())
                for row in rows:
                    # Encrypted fields decrypt on read and encrypt (under the newest key) on save.
                    for name in raw:
                        if getattr(row, name):
                            setattr(row, name, crypto.rotate(getattr(row, name)))
                    row.save(update_fields=[*typed, *raw])
                counts[str(model._meta.verbose_name_plural)] = len(rows)
            authenticators = list(Authenticator.objects.filter(type=Authenticator.Type.TOTP).select_for_update())
            for authenticator in authenticators:
                authenticator.data["secret"] = crypto.rotate(authenticator.data["secret"])
                authenticator.save(update_fields=["data"])
            counts["authenticator secrets"] = len(authenticators)
        summary = ", ".join(f"{count} {what}" for what, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted under the newest key: {summary}."))
