"""Encryption at rest with Fernet keys from the environment, rotatable with MultiFernet."""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

# Every Fernet token starts with these characters (version byte 0x80, base64-encoded).
FERNET_PREFIX = "gAAAAA"


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


def seal(data: bytes) -> bytes:
    """Bytes encrypted under the newest key (what the cache keeps of pages and PDFs)."""
    return _fernet().encrypt(data)


def unseal(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(token)
    except InvalidToken:
        raise ValueError("This value was encrypted with a key that is no longer configured") from None


def rotate(token: str) -> str:
    """Re-encrypt under the first (newest) key."""
    return _fernet().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database and read back as plain text."""

    def from_db_value(self, value, expression, connection):
        if not value or not value.startswith(FERNET_PREFIX):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)
