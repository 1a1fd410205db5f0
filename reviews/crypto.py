"""Encryption at rest with Fernet keys from the environment, rotatable with MultiFernet."""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@cache
def _fernet():
    keys = settings.FIELD_ENCRYPTION_KEYS
    if not keys:
        # Development only: a key derived from SECRET_KEY, so the demo needs no extra setting.
        digest = hashlib.sha256(("convene-fernet:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("This value was encrypted with a key that is no longer configured") from None


def rotate(token: str) -> str:
    """Re-encrypt under the first (newest) key."""
    return _fernet().rotate(token.encode()).decode()
