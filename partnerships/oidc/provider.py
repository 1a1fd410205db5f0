from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider

from partnerships.oidc.views import SignatureCheckingAdapter


class ConveneOpenIDConnectProvider(OpenIDConnectProvider):
    package = "partnerships.oidc"
    oauth2_adapter_class = SignatureCheckingAdapter


provider_classes = [ConveneOpenIDConnectProvider]
