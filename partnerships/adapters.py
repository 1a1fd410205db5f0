import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.http import urlencode

from core import audit, crypto
from core.audit import client_ip
from core.middleware import SSO_SESSION
from notifications.services import queue_email
from partnerships.mfa_forms import SET_UP_HERE

# Seconds after signing in during which a new member of staff may set up their app without
# typing their password again.
FIRST_SETUP_WINDOW = 15 * 60


class StaffAccountAdapter(DefaultAccountAdapter):
    """Staff are added by a business manager or a superuser; nobody signs themselves up."""

    error_messages = DefaultAccountAdapter.error_messages | {
        "email_password_mismatch": "Enter the email address and password of your Convene account.",
        "too_many_login_attempts": "Too many failed sign-in attempts. Wait 5 minutes, then try again.",
        "incorrect_code": "Enter the 6-digit code your authenticator app shows now.",
        "invalid_password_reset": "This link to set your password has expired or been used. Ask for a new one.",
    }

    def is_open_for_signup(self, request):
        return False

    def is_reauthentication_required(self, *, app, **kwargs):
        """No second password prompt while a new member of staff sets up their first app just after signing in.

        Once they have one, changing it or its recovery codes needs fresh proof like any other
        account change; the code that set the app up counts as such proof for the usual few minutes,
        in the session that typed it and no other.
        """
        request = allauth_context.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            now = time.time()
            totp = Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).first()
            if totp is None:
                if now - request.session.get("convene_started", 0) < FIRST_SETUP_WINDOW:
                    return False
            else:
                set_up_here = request.session.get(SET_UP_HERE) or {}
                if (
                    set_up_here.get("id") == totp.pk
                    and now - set_up_here.get("at", 0) < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
                ):
                    return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Failed sign-ins count per account and address together (allauth counts per account alone).

        So someone typing wrong passwords for a known address locks only themselves out, not the
        account's owner signing in from elsewhere. ACCOUNT_RATE_LIMITS also caps each address.
        """
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_ip(request)}"

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as refusal:
            if refusal.code != "too_many_login_attempts":
                raise
            audit.record("auth.sign_in_throttled", request=request, actor_label=str(credentials.get("email", ""))[:200])
            raise

    def authenticate(self, request, **credentials):
        """Staff whose email domain must use their organisation's provider cannot sign in with a password."""
        from partnerships.models import SingleSignOnProvider
        from partnerships.sso import must_use_provider

        provider = SingleSignOnProvider.objects.for_email(str(credentials.get("email", "")))
        if provider is not None and must_use_provider(str(credentials.get("email", "")), provider):
            audit.record(
                "auth.password_refused_sso",
                request=request,
                partnership=provider.partnership,
                obj=provider,
                actor_label=str(credentials.get("email", ""))[:200],
            )
            raise ValidationError(
                f"Sign in with {provider.name}: staff with this email address cannot use a password. "
                'Enter your email address under "Sign in with your organisation\'s account".',
                code="single_sign_on_required",
            )
        return super().authenticate(request, **credentials)

    def get_login_stages(self):
        """allauth's stages, with its code check replaced by one that trusts a provider's second factor."""
        return [
            "partnerships.sso.ProviderAwareMFAStage" if stage == "allauth.mfa.stages.AuthenticateStage" else stage
            for stage in super().get_login_stages()
        ]

    def get_logout_redirect_url(self, request):
        """Whoever came in through a provider is offered its end session endpoint after signing out of Convene."""
        route = request.session.get(SSO_SESSION) if request.user.is_authenticated else None
        if route is not None:
            return f"{reverse('account:signed_out')}?{urlencode({'provider': route.get('provider')})}"
        return super().get_logout_redirect_url(request)

    def get_login_redirect_url(self, request):
        return reverse("overview:home")

    def compose_mail(self, template_prefix, email, context):
        """(subject, text, html) of one of allauth's emails, as the outbox keeps it (and its sample shows it)."""
        request = context.get("request") or getattr(allauth_context, "request", None)
        # A sample shown outside a request (a test, a shell) has no site to name; the emails do not name it.
        site = get_current_site(request) if request is not None else None
        ctx = {"request": request, "email": email, "current_site": site}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html = next((body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
        return message.subject, message.body, html

    def send_mail(self, template_prefix, email, context):
        """allauth's emails (password set and reset) go through the outbox like every other."""
        subject, text, html = self.compose_mail(template_prefix, email, context)
        queue_email(
            kind=template_prefix.rsplit("/", 1)[-1],
            recipient=email,
            subject=subject,
            body_text=text,
            body_html=html,
            idempotency_key=f"account:{template_prefix}:{email}:{get_random_string(16)}",
        )


class StaffMFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are encrypted at rest; staff cannot remove their authenticator app."""

    error_messages = DefaultMFAAdapter.error_messages | {
        "incorrect_code": "Enter the 6-digit code your authenticator app shows now.",
    }

    def encrypt(self, text):
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text):
        return crypto.decrypt(encrypted_text)

    def can_delete_authenticator(self, authenticator):
        return authenticator.type != Authenticator.Type.TOTP
