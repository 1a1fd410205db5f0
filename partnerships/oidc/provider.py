import secrets

from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider

from partnerships.oidc.views import SignatureCheckingAdapter


class ConveneOpenIDConnectProvider(OpenIDConnectProvider):
    package = "partnerships.oidc"
    oauth2_adapter_class = SignatureCheckingAdapter

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        """Send a fresh nonce with each authorisation request and keep it in the request's state.

        The callback accepts only an ID token that carries it back (SignatureCheckingAdapter), so a
        token issued for another sign-in cannot be replayed into this one.
        """
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        auth_params = dict(auth_params if auth_params is not None else self.get_auth_params())
        auth_params["nonce"] = nonce
        return super().redirect(request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs)


provider_classes = [ConveneOpenIDConnectProvider]
