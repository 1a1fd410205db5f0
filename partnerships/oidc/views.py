import secrets

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404


class SignatureCheckingAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's adapter, with the ID token's signature always checked and the request's nonce required."""

    expected_nonce = None  # set by the callback from the sign-in's own state

    def complete_login(self, request, app, token, **kwargs):
        # Without an ID token allauth would go on with the userinfo alone: no signature, nonce or amr.
        if not kwargs.get("response", {}).get("id_token"):
            raise OAuth2Error("The provider sent no ID token.")
        return super().complete_login(request, app, token, **kwargs)

    def _decode_id_token(self, app, id_token):
        claims = self._verify(app, id_token)
        check_nonce(claims, self.expected_nonce)
        return claims

    def _verify(self, app, id_token):
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


def check_nonce(claims, expected):
    """Refuse an ID token that does not carry back the nonce this sign-in sent."""
    if not expected or not secrets.compare_digest(str(claims.get("nonce", "")), expected):
        raise OAuth2Error("The ID token's nonce does not match this sign-in.")


class NonceCheckingCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        if state:
            self.adapter.expected_nonce = state.get("nonce")
        return state, response


@login_not_required
def login(request, provider_id):
    try:
        return OAuth2LoginView.adapter_view(SignatureCheckingAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


@login_not_required
def callback(request, provider_id):
    try:
        return NonceCheckingCallbackView.adapter_view(SignatureCheckingAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
