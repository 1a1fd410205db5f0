"""allauth's OpenID Connect provider, with the ID token's signature always checked.

allauth skips the signature check when the token came straight from the provider's token endpoint
(which OpenID Connect allows over TLS); Convene checks it every time, against the keys the provider
publishes, so a token signed by anyone else is refused whatever the channel. Everything else (the
discovery, PKCE, state, the issuer and audience checks) is allauth's own.
"""
