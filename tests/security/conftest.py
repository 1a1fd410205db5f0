import pytest
from django.test import Client

from tests.conftest import PASSWORD, totp_code

LOGIN = "/accounts/login/"
MFA = "/accounts/2fa/authenticate/"


def browser(address="192.0.2.10"):
    """A fresh browser (its own session) at a given address."""
    return Client(REMOTE_ADDR=address)


def password_step(client, email, password=PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def sign_in(client, user, code=None):
    """Password, then the authenticator code (the one the app shows now unless given); returns the code's answer."""
    response = password_step(client, user.email)
    assert response.status_code == 302 and response["Location"] == MFA
    return client.post(MFA, {"code": code or totp_code(user)})


def signed_in(client):
    return "_auth_user_id" in client.session


@pytest.fixture
def new_member(partnership):
    """A member of staff added by the business manager who has not yet set up their authenticator app."""
    from core.models import Membership
    from tests.conftest import make_staff

    return make_staff("new@northvale.example", "Robin Hale", partnership, Membership.Role.REVIEWER, with_mfa=False)
