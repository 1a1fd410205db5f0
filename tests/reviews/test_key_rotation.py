import pytest
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.core.management import call_command

from core import crypto
from reviews.models import Review


@pytest.fixture
def keys(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    crypto._fernet.cache_clear()
    yield old, new
    crypto._fernet.cache_clear()


@pytest.mark.django_db
def test_rotation_re_encrypts_under_the_new_key_so_the_old_one_can_go(keys, settings, review, business_manager):
    old, new = keys
    review.set_subject_name("Alex Smith")
    review.save()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    crypto._fernet.cache_clear()
    call_command("rotate_encryption_keys")
    settings.FIELD_ENCRYPTION_KEYS = [new]
    crypto._fernet.cache_clear()
    assert Review.objects.get(pk=review.pk).subject_name == "Alex Smith"
    authenticator = Authenticator.objects.get(user=business_manager, type=Authenticator.Type.TOTP)
    assert crypto.decrypt(authenticator.data["secret"])
