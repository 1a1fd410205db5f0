from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from core import crypto
from events.models import ReviewerNote
from notifications.models import OutboundMessage
from reviews.models import Review


class Command(BaseCommand):
    help = (
        "Re-encrypt everything encrypted at rest under the first key in FIELD_ENCRYPTION_KEYS. "
        "Run after putting a new key first; then the old key can be removed."
    )

    def handle(self, *args, **options):
        counts = {}
        with transaction.atomic():
            reviews = Review.objects.exclude(subject_name_encrypted="").select_for_update()
            for review in reviews:
                review.subject_name_encrypted = crypto.rotate(review.subject_name_encrypted)
                review.save(update_fields=["subject_name_encrypted"])
            counts["real names"] = len(reviews)
            # Encrypted model fields decrypt on read and encrypt (under the newest key) on save.
            notes = list(ReviewerNote.objects.select_for_update())
            for note in notes:
                note.save(update_fields=["title", "body"])
            counts["reviewer notes"] = len(notes)
            messages = list(OutboundMessage.objects.select_for_update())
            for message in messages:
                message.save(update_fields=["body_text", "body_html"])
            counts["outbox messages"] = len(messages)
            authenticators = list(Authenticator.objects.filter(type=Authenticator.Type.TOTP).select_for_update())
            for authenticator in authenticators:
                authenticator.data["secret"] = crypto.rotate(authenticator.data["secret"])
                authenticator.save(update_fields=["data"])
            counts["authenticator secrets"] = len(authenticators)
        summary = ", ".join(f"{count} {what}" for what, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted under the newest key: {summary}."))
