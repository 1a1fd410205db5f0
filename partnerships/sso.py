"""Single sign-on with a partnership's OpenID provider: who may come in, and whether Convene still asks for its code.

allauth's OpenID Connect provider does the protocol (partnerships/oidc). This module decides the
rest: the apps come from the partnerships' configured providers; only staff who already exist come
in (linked the first time by their verified email address, then by the provider's subject
identifier); the authenticator app is skipped only when the provider says a second factor was used.
"""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.core.cache import cache
from django.shortcuts import render

from core import audit
from core.middleware import MFA_AT_PROVIDER, SSO_SESSION
from core.models import Membership, User
from partnerships.models import SingleSignOnProvider

# The `amr` value (RFC 8176) that says the person proved a second factor at the provider.
MFA_METHOD = "mfa"
DISCOVERY_CACHE_SECONDS = 10 * 60


def social_app(provider):
    """The allauth app for a configured provider: built from its row each time, never stored twice."""
    return SocialApp(
        provider="openid_connect",
        provider_id=provider.app_id,
        name=provider.name,
        client_id=provider.client_id,
        secret=provider.client_secret,
        settings={"server_url": provider.issuer_url, "oauth_pkce_enabled": True},
    )


def claims(sociallogin):
    """The ID token's claims, with the user info's on top where the provider returned them."""
    data = sociallogin.account.extra_data or {}
    merged = dict(data.get("id_token") or {})
    merged.update(data.get("userinfo") or {})
    return merged


def second_factor_at_provider(provider, sociallogin):
    """True when the provider is marked as always asking for a second factor, or its ID token says one was used."""
    if provider.enforces_mfa:
        return True
    amr = (sociallogin.account.extra_data or {}).get("id_token", {}).get("amr") or []
    return isinstance(amr, list) and MFA_METHOD in amr


def end_session_url(provider):
    """The provider's end session endpoint, where its discovery document publishes one; None otherwise."""
    key = f"sso:end-session:{provider.pk}:{provider.issuer_url}"
    url = cache.get(key)
    if url is None:
        try:
            from allauth.socialaccount.adapter import get_adapter

            config_url = provider.issuer_url.rstrip("/") + "/.well-known/openid-configuration"
            with get_adapter().get_requests_session() as session:
                response = session.get(config_url)
                response.raise_for_status()
                url = response.json().get("end_session_endpoint") or ""
        except (OSError, ValueError):
            # requests' errors are OSErrors; a document that is not JSON is a ValueError.
            return None
        cache.set(key, url, DISCOVERY_CACHE_SECONDS)
    return url or None


def reaches_beyond(user, partnership):
    """Whether the account can reach more than this partnership: a superuser, or staff elsewhere too."""
    return user.is_superuser or Membership.objects.filter(user=user).exclude(partnership=partnership).exists()


def must_use_provider(email, provider):
    """Whether a password is refused for this address: its account reaches only the provider's partnership.

    An account with access elsewhere (a superuser, or staff of another partnership) keeps its
    password, so no partnership's provider settings can lock out anyone beyond its own staff.
    """
    user = User.objects.filter(email__iexact=email).first()
    return user is None or not reaches_beyond(user, provider.partnership)


def refuse(request, *, reason, provider=None, email="", user=None):
    """Stop the sign-in with a plain page that says who to ask; the attempt is audited."""
    audit.record(
        "auth.sso_refused",
        request=request,
        actor=user,
        actor_label=(email or "")[:200],
        partnership=provider.partnership if provider is not None else None,
        obj=provider,
        reason=reason,
    )
    context = {"reason": reason, "provider": provider, "email": email}
    raise ImmediateHttpResponse(render(request, "partnerships/sso/refused.html", context, status=403))


class StaffSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Nobody signs themselves up through a provider; only staff a business manager added come in."""

    def list_apps(self, request, provider=None, client_id=None):
        providers = SingleSignOnProvider.objects.all()
        if provider and provider != "openid_connect":
            found = SingleSignOnProvider.objects.for_app_id(provider)
            providers = providers.filter(pk=found.pk) if found is not None else providers.none()
        if client_id:
            providers = providers.filter(client_id=client_id)
        return [social_app(row) for row in providers]

    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        provider = SingleSignOnProvider.objects.for_app_id(sociallogin.account.provider)
        found = claims(sociallogin)
        email = str(found.get("email") or "").strip().lower()
        if provider is None:
            refuse(request, reason="no_provider", email=email)
        if sociallogin.state.get("process", "login") != "login":
            refuse(request, reason="not_sign_in", provider=provider, email=email)
        user = sociallogin.user if sociallogin.is_existing else self._match_by_email(request, provider, found, email)
        if not user.is_active:
            refuse(request, reason="disabled", provider=provider, email=email, user=user)
        if not Membership.objects.filter(user=user, partnership=provider.partnership).exists():
            refuse(request, reason="not_staff", provider=provider, email=email, user=user)
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)
            audit.record("auth.sso_linked", request=request, actor=user, partnership=provider.partnership, obj=provider)

    def _match_by_email(self, request, provider, found, email):
        """The first time: the staff account whose address is in one of the provider's own domains.

        A provider is set up by one partnership's business manager, so what it says about an address
        counts only for the domains that partnership gave it (a provider claiming someone else's
        address as verified links nothing). An account with access beyond that partnership (a
        superuser, or staff of another partnership too) is never linked by email: its owner signs in
        as before.
        """
        domain = email.rpartition("@")[2]
        in_domains = bool(email) and domain in provider.domain_list()
        user = User.objects.filter(email__iexact=email).first() if in_domains else None
        if user is None:
            refuse(request, reason="unknown", provider=provider, email=email)
        if reaches_beyond(user, provider.partnership):
            refuse(request, reason="beyond_partnership", provider=provider, email=email, user=user)
        if SocialAccount.objects.filter(user=user, provider=provider.app_id).exists():
            # Linked once by email, then by subject only: a new subject with the same address is someone else.
            refuse(request, reason="other_subject", provider=provider, email=email, user=user)
        return user

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        row = SingleSignOnProvider.objects.for_app_id(getattr(getattr(provider, "app", None), "provider_id", ""))
        audit.record(
            "auth.sso_failed",
            request=request,
            partnership=row.partnership if row is not None else None,
            obj=row,
            error=str(error or "unknown"),
            # The kind of failure only: an exception's text can carry a token.
            exception=type(exception).__name__ if exception is not None else "",
        )
        context = {"provider": row, "cancelled": error == "cancelled"}
        raise ImmediateHttpResponse(render(request, "partnerships/sso/failed.html", context, status=400))


class ProviderAwareMFAStage(AuthenticateStage):
    """Convene's own code is not asked for when the provider says a second factor was used."""

    def _should_handle(self, request):
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin is not None and not isinstance(sociallogin, dict):
            provider = SingleSignOnProvider.objects.for_app_id(sociallogin.account.provider)
            if provider is not None and second_factor_at_provider(provider, sociallogin):
                return False
        return super()._should_handle(request)


def remember_sign_in_route(sender, request, user, sociallogin=None, **kwargs):
    """Each session knows whether it came through a provider, which, and whether the provider did the second factor."""
    request.session.pop(SSO_SESSION, None)
    request.session.pop(MFA_AT_PROVIDER, None)
    if sociallogin is None:
        return
    provider = SingleSignOnProvider.objects.for_app_id(sociallogin.account.provider)
    if provider is None:
        return
    request.session[SSO_SESSION] = {"user": user.pk, "provider": provider.pk}
    mfa = second_factor_at_provider(provider, sociallogin)
    if mfa:
        request.session[MFA_AT_PROVIDER] = user.pk
    audit.record(
        "auth.sso_signed_in",
        request=request,
        actor=user,
        partnership=provider.partnership,
        obj=provider,
        second_factor="at the provider" if mfa else "authenticator app",
    )
