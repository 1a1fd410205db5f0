"""Staff sign-in: email and password, then the authenticator code; nothing else reachable without MFA."""

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditEntry, Membership
from tests.conftest import PASSWORD, make_staff, totp_code

LOGIN = "/accounts/login/"
MFA = "/accounts/2fa/authenticate/"


def sign_in(client, email, password):
    return client.post(LOGIN, {"login": email, "password": password})


@pytest.mark.django_db
def test_password_then_code_reaches_the_partnership(client, business_manager, partnership):
    response = sign_in(client, business_manager.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == MFA
    response = client.post(MFA, {"code": totp_code(business_manager)})
    assert response.status_code == 302
    response = client.get(reverse("overview:home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("overview:partnership_overview", args=[partnership.slug])
    assert AuditEntry.objects.filter(action="auth.signed_in", actor=business_manager).exists()


@pytest.mark.django_db
def test_wrong_password_and_unknown_email_get_the_same_answer(client, business_manager):
    wrong_password = sign_in(client, business_manager.email, "not the password at all")
    unknown_email = sign_in(client, "nobody@northvale.example", "not the password at all")
    assert wrong_password.status_code == unknown_email.status_code == 200
    errors = wrong_password.context["form"].errors
    assert errors == unknown_email.context["form"].errors
    assert "__all__" in errors
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_wrong_code_keeps_the_user_out(client, business_manager):
    sign_in(client, business_manager.email, PASSWORD)
    wrong = f"{(int(totp_code(business_manager)) + 1) % 1000000:06d}"
    response = client.post(MFA, {"code": wrong})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert client.get(reverse("overview:home")).status_code == 302


@pytest.mark.django_db
def test_repeated_failures_are_rate_limited(client, business_manager):
    for n in range(5):
        response = sign_in(client, business_manager.email, f"wrong-{n}")
        assert "Too many" not in response.content.decode()
    response = sign_in(client, business_manager.email, "wrong-again")
    assert "Too many failed sign-in attempts" in str(response.context["form"].errors)
    # Even the right password is refused while the limit holds.
    response = sign_in(client, business_manager.email, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_staff_without_an_authenticator_can_only_set_one_up(client, partnership):
    user = make_staff("new@northvale.example", "New Person", partnership, Membership.Role.REVIEWER, with_mfa=False)
    user.is_staff = True
    user.save()
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    for url in [reverse("overview:home"), reverse("overview:partnership_overview", args=[partnership.slug]), "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp"), url
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


@pytest.mark.django_db
def test_public_sign_up_is_closed(client):
    response = client.post(
        "/accounts/signup/", {"email": "someone@example.com", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 200
    assert "Sign up closed" in response.content.decode() or "closed" in response.content.decode().lower()
    from core.models import User

    assert not User.objects.filter(email="someone@example.com").exists()


@pytest.mark.django_db
def test_session_ends_after_thirty_idle_minutes(bm_client, partnership):
    url = reverse("overview:partnership_overview", args=[partnership.slug])
    with time_machine.travel("2026-11-23 09:00 +0000", tick=False) as traveller:
        assert bm_client.get(url).status_code == 200
        traveller.shift(29 * 60)
        assert bm_client.get(url).status_code == 200
        traveller.shift(31 * 60)
        response = bm_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in bm_client.session


@pytest.mark.django_db
def test_session_ends_after_twelve_hours_however_busy(bm_client, partnership):
    url = reverse("overview:partnership_overview", args=[partnership.slug])
    with time_machine.travel("2026-11-23 08:00 +0000", tick=False) as traveller:
        for _ in range(12 * 3):
            assert bm_client.get(url).status_code == 200
            traveller.shift(20 * 60)
        traveller.shift(10 * 60)
        response = bm_client.get(url)
    assert response.status_code == 302


@pytest.mark.django_db
def test_keepalive_renews_the_idle_timer(bm_client, partnership):
    url = reverse("overview:partnership_overview", args=[partnership.slug])
    with time_machine.travel("2026-11-23 09:00 +0000", tick=False) as traveller:
        bm_client.get(url)
        traveller.shift(25 * 60)
        assert bm_client.post(reverse("account:keepalive")).status_code == 204
        traveller.shift(25 * 60)
        assert bm_client.get(url).status_code == 200


@pytest.mark.django_db
def test_signed_in_pages_carry_the_timeout_warning(bm_client, partnership):
    page = bm_client.get(reverse("overview:partnership_overview", args=[partnership.slug])).content.decode()
    assert 'id="session-timeout"' in page
