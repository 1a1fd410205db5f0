from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils.crypto import get_random_string

from notifications.services import queue_email
from reviews import crypto


class StaffAccountAdapter(DefaultAccountAdapter):
    """Staff are added by a business manager or a superuser; nobody signs themselves up."""

    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        return reverse("home")

    def send_mail(self, template_prefix, email, context):
        """allauth's emails (password set and reset) go through the outbox like every other."""
        request = context.get("request") or getattr(allauth_context, "request", None)
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html = next((body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
        queue_email(
            kind=template_prefix.rsplit("/", 1)[-1],
            recipient=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            idempotency_key=f"account:{template_prefix}:{email}:{get_random_string(16)}",
        )


class StaffMFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are encrypted at rest; staff cannot remove their authenticator app."""

    def encrypt(self, text):
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text):
        return crypto.decrypt(encrypted_text)

    def can_delete_authenticator(self, authenticator):
        return authenticator.type != Authenticator.Type.TOTP
