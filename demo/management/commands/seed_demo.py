import base64
import hashlib

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.models import Membership, Partnership, User
from demo import accounts as demo_accounts
from demo import data as demo_data
from demo import reports as demo_reports
from demo import sso as demo_sso
from reviews.models import Review

DEMO_PASSWORD = "convene-demo-password"  # noqa: S105 - the demo accounts only

PARTNERSHIPS = [
    {
        "name": "Northvale Children's Safeguarding Partnership",
        "slug": "northvale",
        "kind": Partnership.Kind.CHILDREN,
        "contact_name": "Priya Shah",
        "contact_email": "safeguarding.partnership@northvale.example",
        "contact_phone": "01632 960 101",
        "website": "https://northvale.example/safeguarding",
        "support_text": "Your own agency's safeguarding lead or employee assistance programme can support you "
        "before and after the event. You can also talk to Priya Shah in confidence.",
        "staff": [
            ("manager@northvale.example", "Priya Shah", Membership.Role.BUSINESS_MANAGER),
            ("reviewer@northvale.example", "Dr Tom Ellis", Membership.Role.REVIEWER),
        ],
    },
    {
        "name": "Eastmere Safeguarding Adults and Children Board",
        "slug": "eastmere",
        "kind": Partnership.Kind.BOTH,
        "contact_name": "Grace Okafor",
        "contact_email": "safeguarding.boards@eastmere.example",
        "contact_phone": "01632 960 202",
        "website": "https://eastmere.example/boards",
        "support_text": "Talk to your line manager or your agency's safeguarding lead about support and a "
        "debrief after the event.",
        "staff": [
            ("manager@eastmere.example", "Grace Okafor", Membership.Role.BUSINESS_MANAGER),
            ("reviewer@eastmere.example", "Helen Marsh", Membership.Role.REVIEWER),
        ],
    },
]


def demo_totp_secret(email):
    """A fixed secret per demo account, so its codes can be added to an app or printed by
    `manage.py demo_totp EMAIL`. Demo accounts only: the command refuses to run unless DEBUG."""
    return base64.b32encode(hashlib.sha256(f"convene-demo:{email}".encode()).digest()[:20]).decode()


class Command(BaseCommand):
    help = "Create the demo partnerships and staff (idempotent; development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo data is for development only (DEBUG is off).")
        with transaction.atomic():
            for spec in PARTNERSHIPS:
                spec = dict(spec)
                staff = spec.pop("staff")
                partnership, _ = Partnership.objects.update_or_create(slug=spec["slug"], defaults=spec)
                for email, name, role in staff:
                    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
                    if created:
                        user.set_password(DEMO_PASSWORD)
                        user.save()
                    Membership.objects.get_or_create(user=user, partnership=partnership, defaults={"role": role})
                    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                        TOTP.activate(user, demo_totp_secret(email))
                        RecoveryCodes.activate(user)
            demo_data.seed(
                Partnership.objects.get(slug="northvale"),
                review_type=Review.Type.CSPR,
                reference="CSPR 2026-02",
                pseudonym="Child D",
                real_name="Casey Demo-Example",
                themes=["Hearing the voice of the child", "Sharing information between agencies"],
            )
            demo_data.seed(
                Partnership.objects.get(slug="eastmere"),
                review_type=Review.Type.SAR,
                reference="SAR 2026-01",
                pseudonym="Adult F",
                real_name="Robin Sample-Person",
                themes=["Self-neglect and mental capacity", "Working with a family who avoid contact"],
            )
            demo_accounts.seed(Partnership.objects.get(slug="northvale"), reference="CSPR 2026-02")
            demo_sso.seed(Partnership.objects.get(slug="northvale"))
            demo_reports.seed(
                Partnership.objects.get(slug="northvale"),
                review_type=Review.Type.CSPR,
                reference="CSPR 2025-09",
                pseudonym="Child B",
                real_name="Jordan Example-Child",
            )
            demo_reports.seed(
                Partnership.objects.get(slug="eastmere"),
                review_type=Review.Type.SAR,
                reference="SAR 2025-03",
                pseudonym="Adult K",
                real_name="Morgan Sample-Adult",
            )
        self.stdout.write(self.style.SUCCESS("Demo partnerships, staff, reviews and events are ready."))
