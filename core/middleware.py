import logging
import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode

from core import audit
from core.formatting import counted
from core.logging import redact

# Pages a signed-in member of staff may reach before they have set up their authenticator app.
MFA_SETUP_URL_NAMES = {
    "mfa_activate_totp",
    "mfa_index",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "account_logout",
    "account_reauthenticate",
    "mfa_reauthenticate",
    "account:keepalive",
    "accessibility",
    "privacy",
}

# Session keys for a sign-in through a partnership's OpenID provider (partnerships/sso.py sets them):
# which provider, and the id of the user whose second factor the provider vouched for.
SSO_SESSION = "convene_sso"
MFA_AT_PROVIDER = "convene_mfa_at_provider"


class ClientAddressMiddleware:
    """Behind TRUSTED_PROXY_COUNT reverse proxies, the client is the address they recorded.

    Rate limits and the audit log read REMOTE_ADDR; without this, every request would seem to come
    from the proxy. X-Forwarded-For entries added by the client itself are ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = settings.TRUSTED_PROXY_COUNT

    def __call__(self, request):
        if self.proxies:
            forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            forwarded = [part for part in forwarded if part]
            if len(forwarded) >= self.proxies:
                request.META["REMOTE_ADDR"] = forwarded[-self.proxies]
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing Convene shows may be kept by a browser or a shared cache after the person leaves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            patch_cache_control(response, no_store=True, private=True)
        return response


class SessionTimeoutMiddleware:
    """End a staff session after a spell of inactivity, and in any case after an absolute limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault("convene_started", now)
            last_seen = request.session.get("convene_last_seen", now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
            too_long = now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or too_long:
                logout(request)
                if idle:
                    minutes = counted(settings.SESSION_IDLE_TIMEOUT // 60, "minute")
                    reason = f"You were signed out because you had not used Convene for {minutes}."
                else:
                    hours = counted(settings.SESSION_ABSOLUTE_TIMEOUT // 3600, "hour")
                    reason = f"You were signed out because you had been signed in for {hours}."
                messages.info(request, reason)
                login_url = reverse("account_login")
                if request.path == login_url:
                    return redirect(request.get_full_path())
                return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
            # Saving the session costs a write; a minute's precision is plenty for a 30-minute limit.
            if now - last_seen >= 60 or "convene_last_seen" not in request.session:
                request.session["convene_last_seen"] = now
        return self.get_response(request)


class RequireMFAMiddleware:
    """Staff reach nothing but the authenticator set-up until they have one (the admin included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in MFA_SETUP_URL_NAMES:
            return None
        if request.session.get(MFA_AT_PROVIDER) == request.user.pk:
            return None
        if Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
            return None
        return redirect("mfa_activate_totp")


refusals = logging.getLogger("convene.refusals")


class RefusalLogMiddleware:
    """Every refused request is logged with who asked and from where; a signed-in person's is audited too.

    Django's own log line names only the path: a member of staff trying another partnership's page,
    or someone removed from the staff still using theirs, must be traceable to the account and the
    address. The log names the account by its id, never its email address; tokens in the path are
    struck out by the logging filter.
    """

    REFUSED = {403: "forbidden", 404: "not found", 429: "too many requests"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in self.REFUSED:
            user = getattr(request, "user", None)
            signed_in = user is not None and user.is_authenticated
            address = audit.client_ip(request)
            refusals.warning(
                "Refused (%s %s) %s %s for %s from %s",
                response.status_code,
                self.REFUSED[response.status_code],
                request.method,
                request.path,
                # The account's id, never its email address: log lines travel further than the audit log.
                f"user {user.pk}" if signed_in else "a visitor not signed in",
                address,
            )
            if signed_in and response.status_code != 429:
                audit.record(
                    "access.refused",
                    request=request,
                    actor=user,
                    status=response.status_code,
                    method=request.method,
                    path=redact(request.path)[:300],
                )
        return response
