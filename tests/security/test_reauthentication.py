"""Changing how an account is reached or proved needs the password or a code from the last few minutes."""

import time

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from core.models import AuditEntry
from tests.conftest import PASSWORD, totp_code
from tests.security.conftest import browser, password_step, sign_in

pytestmark = pytest.mark.django_db

START = "2026-12-04 09:00:05 +0000"
EMAIL = "/accounts/email/"


def asks_for_fresh_proof(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))


def test_eleven_minutes_after_signing_in_an_address_cannot_be_added_or_made_primary_without_proof(business_manager):
    other = EmailAddress.objects.create(user=business_manager, email="priya.shah@northvale.example", verified=True)
    with time_machine.travel(START, tick=False) as traveller:
        client = browser()
        sign_in(client, business_manager)
        traveller.shift(11 * 60)

        response = client.post(EMAIL, {"email": "someone@elsewhere.example", "action_add": ""})
        assert asks_for_fresh_proof(response)
        assert not EmailAddress.objects.filter(email="someone@elsewhere.example").exists()

        response = client.post(EMAIL, {"email": other.email, "action_primary": ""})
        assert asks_for_fresh_proof(response)
        business_manager.refresh_from_db()
        other.refresh_from_db()
        assert business_manager.email == "manager@northvale.example" and not other.primary

        response = client.post(EMAIL, {"email": other.email, "action_remove": ""})
        assert asks_for_fresh_proof(response)
        assert EmailAddress.objects.filter(pk=other.pk).exists()
        assert not AuditEntry.objects.filter(action__startswith="auth.email").exists()

        # With the password typed again, the change goes through (and is audited).
        assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
        client.post(EMAIL, {"email": "priya@northvale.example", "action_add": ""})
        assert EmailAddress.objects.filter(user=business_manager, email="priya@northvale.example").exists()
        assert AuditEntry.objects.filter(action="auth.email_added", actor=business_manager).exists()

        # Fresh proof lasts five minutes.
        traveller.shift(6 * 60)
        assert asks_for_fresh_proof(client.post(EMAIL, {"email": other.email, "action_primary": ""}))


def test_a_code_counts_as_fresh_proof(business_manager):
    with time_machine.travel(START, tick=False) as traveller:
        client = browser()
        sign_in(client, business_manager)
        traveller.shift(11 * 60)
        response = client.post(reverse("mfa_reauthenticate"), {"code": totp_code(business_manager)})
        assert response.status_code == 302
        client.post(EMAIL, {"email": "priya@northvale.example", "action_add": ""})
        assert EmailAddress.objects.filter(email="priya@northvale.example").exists()


def test_changing_the_password_needs_the_current_one(business_manager):
    client = browser()
    sign_in(client, business_manager)
    new = "another long and memorable passphrase"
    response = client.post(
        reverse("account_change_password"), {"oldpassword": "not the password", "password1": new, "password2": new}
    )
    assert response.status_code == 200 and "oldpassword" in response.context["form"].errors
    business_manager.refresh_from_db()
    assert business_manager.check_password(PASSWORD)


def activate_authenticator(client):
    """Set up the app as a new member would: read the secret the page offers, type its code."""
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302, response.content.decode()
    return code


# Committed for real, as in production: the set-up is recorded in the session once the new app is saved.
@pytest.mark.django_db(transaction=True)
def test_a_new_member_sets_up_their_app_without_a_second_password_but_not_later_changes(new_member):
    with time_machine.travel(START, tick=False) as traveller:
        client = browser()
        assert password_step(client, new_member.email).status_code == 302
        traveller.shift(60)
        activate_authenticator(client)
        assert Authenticator.objects.filter(user=new_member, type=Authenticator.Type.TOTP).exists()
        # Straight after, the recovery codes are there to be saved.
        assert client.get(reverse("mfa_view_recovery_codes")).status_code == 200

        # Ten minutes later, new codes (which would void the ones saved) need fresh proof.
        traveller.shift(10 * 60)
        codes = Authenticator.objects.get(user=new_member, type=Authenticator.Type.RECOVERY_CODES)
        response = client.post(reverse("mfa_generate_recovery_codes"))
        assert asks_for_fresh_proof(response)
        assert Authenticator.objects.get(user=new_member, type=Authenticator.Type.RECOVERY_CODES).pk == codes.pk
        assert not AuditEntry.objects.filter(action="auth.recovery_codes_regenerated").exists()


@pytest.mark.django_db(transaction=True)
def test_setting_up_the_app_is_fresh_proof_only_in_the_session_that_typed_its_code(new_member):
    with time_machine.travel(START, tick=False) as traveller:
        here, elsewhere = browser(), browser("198.51.100.7")
        assert password_step(here, new_member.email).status_code == 302
        assert password_step(elsewhere, new_member.email).status_code == 302
        traveller.shift(60)
        activate_authenticator(here)
        codes = Authenticator.objects.get(user=new_member, type=Authenticator.Type.RECOVERY_CODES)
        traveller.shift(60)

        # The other session, signed in with the password alone, must prove itself before changing anything.
        assert asks_for_fresh_proof(elsewhere.post(reverse("mfa_generate_recovery_codes")))
        assert asks_for_fresh_proof(elsewhere.get(reverse("mfa_deactivate_totp")))
        assert asks_for_fresh_proof(elsewhere.post(reverse("mfa_deactivate_totp")))
        assert Authenticator.objects.get(user=new_member, type=Authenticator.Type.RECOVERY_CODES).pk == codes.pk
        assert Authenticator.objects.filter(user=new_member, type=Authenticator.Type.TOTP).exists()
        assert not AuditEntry.objects.filter(action="auth.recovery_codes_regenerated").exists()

        # The session that typed the set-up code has just proved itself.
        assert not asks_for_fresh_proof(here.get(reverse("mfa_deactivate_totp")))
        response = here.post(reverse("mfa_generate_recovery_codes"))
        assert response.status_code == 302 and not asks_for_fresh_proof(response)
        assert Authenticator.objects.get(user=new_member, type=Authenticator.Type.RECOVERY_CODES).pk != codes.pk

        # For the usual few minutes only.
        traveller.shift(5 * 60)
        assert asks_for_fresh_proof(here.post(reverse("mfa_generate_recovery_codes")))
