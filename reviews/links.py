"""Personal links: an unguessable secret in the URL, only its hash in the database."""

import hashlib
import secrets


def new_token():
    """A fresh secret for a link, and the hash to store in its place."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()
