import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo account (development only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError("Authenticator codes are printed only in development (DEBUG is on).")
        authenticator = Authenticator.objects.filter(user__email=email.lower(), type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            raise CommandError(f"{email} has no authenticator app set up.")
        secret = decrypt(authenticator.data["secret"])
        period = 30
        counter = int(time.time()) // period
        remaining = period - int(time.time()) % period
        # The code alone on standard output, so it can be copied or piped; the hint on standard error.
        self.stdout.write(format_hotp_value(hotp_value(secret, counter)))
        self.stderr.write(f"(valid for {remaining} more seconds; each code signs in once)")
