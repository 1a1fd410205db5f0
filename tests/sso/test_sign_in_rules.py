"""The rules around single sign-on that need no provider: passwords refused for its domains, sessions ended, MFA."""

import pytest
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from core.middleware import MFA_AT_PROVIDER, SSO_SESSION
from core.models import AuditEntry, Membership, User
from partnerships import services
from partnerships.oidc.views import check_nonce
from partnerships.sso import StaffSocialAccountAdapter
from tests.conftest import PASSWORD, make_staff
from tests.sso.conftest import add_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(partnership):
    return add_provider(
        partnership, "https://login.council.example", name="Council account", client_id="c", domains=["council.example"]
    )


def _came_through(client, user, provider, *, mfa):
    client.force_login(user)
    session = client.session
    session[SSO_SESSION] = {"user": user.pk, "provider": provider.pk}
    if mfa:
        session[MFA_AT_PROVIDER] = user.pk
    session.save()


def test_a_password_is_refused_for_a_domain_that_must_use_its_provider(client, council, council_manager):
    response = client.post(reverse("account_login"), {"login": council_manager.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "Sign in with Council account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    refused = AuditEntry.objects.get(action="auth.password_refused_sso")
    assert refused.actor_label == council_manager.email and refused.partnership == council.partnership


def test_other_domains_still_sign_in_with_a_password(client, council, business_manager):
    response = client.post(reverse("account_login"), {"login": business_manager.email, "password": PASSWORD})

    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="auth.password_refused_sso").exists()


def test_a_session_opened_through_the_provider_ends_when_its_owner_leaves_the_staff(
    client, partnership, council, council_manager, business_manager
):
    _came_through(client, council_manager, council, mfa=True)
    assert client.get(reverse("overview:partnership_overview", args=[partnership.slug])).status_code == 200

    services.remove_staff_member(
        membership=Membership.objects.get(user=council_manager), removed_by=business_manager, request=None
    )
    response = client.get(reverse("overview:home"))

    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.sso_session_ended", actor=council_manager).exists()


def test_a_session_opened_through_a_provider_since_removed_ends_too(client, council, council_manager, business_manager):
    _came_through(client, council_manager, council, mfa=True)
    services.remove_sso_provider(provider=council, removed_by=business_manager)

    response = client.get(reverse("overview:home"))

    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_the_authenticator_app_is_skipped_only_for_the_person_the_provider_vouched_for(client, partnership, council):
    newcomer = make_staff(
        "new@council.example", "Ali New", partnership, Membership.Role.BUSINESS_MANAGER, with_mfa=False
    )
    page = reverse("overview:partnership_overview", args=[partnership.slug])

    _came_through(client, newcomer, council, mfa=False)
    assert client.get(page)["Location"] == reverse("mfa_activate_totp")

    _came_through(client, newcomer, council, mfa=True)
    assert client.get(page).status_code == 200


def test_signing_out_after_the_provider_leads_to_the_signed_out_page(client, council, council_manager):
    _came_through(client, council_manager, council, mfa=True)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account:signed_out')}?provider={council.pk}"
    assert "_auth_user_id" not in client.session


def test_a_provider_that_cannot_be_reached_is_named_on_the_form_not_a_server_error(client, partnership):
    # Nothing listens on port 9 of the loopback address: the discovery document cannot be read.
    add_provider(partnership, "https://127.0.0.1:9", name="Down account", client_id="d", domains=["down.example"])

    response = client.post(reverse("account:sso_start"), {"email": "kim@down.example"})

    assert response.status_code == 200
    assert "Convene cannot reach Down account just now" in response.content.decode()
    assert "kim@down.example" in response.content.decode()


@pytest.mark.parametrize("returned", [None, "", "another sign-in's nonce"])
def test_an_id_token_without_this_sign_ins_nonce_is_refused(returned):
    claims = {"sub": "subject-1"} | ({"nonce": returned} if returned is not None else {})
    with pytest.raises(OAuth2Error, match="nonce"):
        check_nonce(claims, "this sign-in's nonce")


def test_an_id_token_is_refused_when_the_sign_in_kept_no_nonce():
    with pytest.raises(OAuth2Error, match="nonce"):
        check_nonce({"nonce": "anything"}, None)


def test_an_id_token_carrying_this_sign_ins_nonce_is_accepted():
    check_nonce({"nonce": "this sign-in's nonce"}, "this sign-in's nonce")


def _first_sign_in(rf, provider, email, **claims):
    """The adapter's first-time match, as the callback would make it; the refusal's reason, or the account."""
    request = rf.get("/accounts/oidc/callback/")
    request.session, request.user = {}, AnonymousUser()
    try:
        return StaffSocialAccountAdapter()._match_by_email(request, provider, {"email": email, **claims}, email)
    except ImmediateHttpResponse as refused:
        return refused.response.status_code, AuditEntry.objects.filter(action="auth.sso_refused").last().detail


def test_a_provider_vouching_for_an_address_outside_its_domains_links_nothing(rf, council, business_manager):
    status, detail = _first_sign_in(rf, council, business_manager.email, email_verified=True)
    assert status == 403 and detail["reason"] == "unknown"
    assert not SocialAccount.objects.exists()


def test_an_account_with_access_beyond_the_partnership_is_never_linked_by_email(rf, council, other_partnership):
    elsewhere = make_staff("ali.khan@council.example", "Ali Khan", council.partnership, Membership.Role.REVIEWER)
    Membership.objects.create(user=elsewhere, partnership=other_partnership, role=Membership.Role.REVIEWER)
    assert _first_sign_in(rf, council, elsewhere.email)[1]["reason"] == "beyond_partnership"
    admin = make_staff("root@council.example", "Service Admin", council.partnership, Membership.Role.BUSINESS_MANAGER)
    User.objects.filter(pk=admin.pk).update(is_superuser=True)
    admin.refresh_from_db()
    assert _first_sign_in(rf, council, admin.email)[1]["reason"] == "beyond_partnership"


def test_a_domain_claimed_by_one_partnership_locks_out_nobody_elsewhere(client, council, other_partnership):
    theirs = make_staff("kim.lee@council.example", "Kim Lee", other_partnership, Membership.Role.BUSINESS_MANAGER)
    response = client.post(reverse("account_login"), {"login": theirs.email, "password": PASSWORD})
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="auth.password_refused_sso").exists()
