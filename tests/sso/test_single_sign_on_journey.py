"""Staff sign in with their organisation's account, through a real OpenID provider on loopback, in a real browser.

The provider (tests/sso/oidc_provider.mjs) is node's oidc-provider: discovery, PKCE, signed ID
tokens, its own sign-in page where the test says whether a second factor was used (`amr`). Every
page, Convene's and the provider's, is checked with axe-core.
"""

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from core.models import AuditEntry, Membership
from partnerships import services
from tests.conftest import PASSWORD, make_staff, totp_code
from tests.sso.conftest import add_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _through_provider(page, a11y, email, *, typed_at_provider=None, mfa):
    """From Convene's sign-in page to the provider's and back, typing `email` in Convene and at the provider."""
    page.goto("/accounts/login/")
    a11y.check()
    page.get_by_role("link", name="sign in with your organisation's account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with your organisation's account")
    a11y.check()
    page.get_by_label("Work email address").fill(email)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in with")
    a11y.check()
    page.locator("#continue-to-provider").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test provider: sign in")
    a11y.check()
    page.get_by_label("Email address").fill(typed_at_provider or email)
    if mfa:
        page.get_by_label("I used a second factor").check()
    callbacks = []
    page.on("request", lambda request: callbacks.append(request.url) if "/login/callback/" in request.url else None)
    page.get_by_role("button", name="Sign in at the provider").click()
    page.wait_for_load_state("load")
    a11y.check()
    return callbacks


@pytest.fixture
def council(partnership, oidc_provider):
    provider = add_provider(
        partnership,
        oidc_provider.issuer,
        name="Northvale Council account",
        client_id="convene",
        domains=["council.example"],
    )
    oidc_provider([(provider, "")])
    return provider


def test_with_a_second_factor_at_the_provider_convene_asks_for_no_code(
    page, a11y, partnership, council, council_manager
):
    authorisations = []
    page.on("request", lambda request: authorisations.append(request.url) if "code_challenge=" in request.url else None)
    _through_provider(page, a11y, council_manager.email, mfa=True)

    # The request carried a nonce, and the ID token that came back with it was accepted.
    assert authorisations and all(re.search(r"[?&]nonce=[\w-]{40,}", url) for url in authorisations)

    expect(page).to_have_url(re.compile(rf"/p/{partnership.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(partnership.name)
    link = SocialAccount.objects.get(user=council_manager)
    assert link.provider == council.app_id and link.uid.startswith("subject-")
    actions = list(AuditEntry.objects.filter(actor=council_manager).values_list("action", flat=True))
    assert {"auth.sso_linked", "auth.sso_signed_in", "auth.signed_in"} <= set(actions)
    signed_in = AuditEntry.objects.get(action="auth.sso_signed_in")
    assert signed_in.detail["second_factor"] == "at the provider"


def test_without_a_second_factor_the_authenticator_app_is_still_required(
    page, a11y, partnership, council, council_manager
):
    _through_provider(page, a11y, council_manager.email, mfa=False)

    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label(re.compile("code", re.I)).fill(totp_code(council_manager))
    page.get_by_role("button", name=re.compile("Continue|Sign in|Confirm", re.I)).click()
    expect(page).to_have_url(re.compile(rf"/p/{partnership.slug}/$"))
    a11y.check()
    assert AuditEntry.objects.get(action="auth.sso_signed_in").detail["second_factor"] == "authenticator app"


def test_a_provider_marked_as_enforcing_a_second_factor_is_trusted_without_amr(
    page, a11y, partnership, council, council_manager
):
    council.enforces_mfa = True
    council.save()
    _through_provider(page, a11y, council_manager.email, mfa=False)
    expect(page).to_have_url(re.compile(rf"/p/{partnership.slug}/$"))


def test_after_the_first_time_the_account_is_found_by_subject_not_email(
    page, a11y, partnership, council, council_manager
):
    _through_provider(page, a11y, council_manager.email, mfa=True)
    expect(page).to_have_url(re.compile(rf"/p/{partnership.slug}/$"))
    # The address changes in Convene: the provider's subject still finds the account.
    council_manager.email = "sam.jones-renamed@council.example"
    council_manager.save()
    page.context.clear_cookies()
    _through_provider(
        page, a11y, "sam.jones-renamed@council.example", typed_at_provider="sam.jones@council.example", mfa=True
    )
    expect(page).to_have_url(re.compile(rf"/p/{partnership.slug}/$"))
    assert SocialAccount.objects.filter(user=council_manager).count() == 1


def test_an_unknown_person_is_refused_and_told_who_to_ask(page, a11y, partnership, council):
    _through_provider(page, a11y, "stranger@council.example", mfa=True)

    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in with this account")
    expect(page.get_by_role("main")).to_contain_text("There is no Convene staff account for stranger@council.example")
    expect(page.get_by_role("main")).to_contain_text(partnership.contact_email)
    assert not SocialAccount.objects.exists()
    refusal = AuditEntry.objects.get(action="auth.sso_refused")
    assert refusal.detail["reason"] == "unknown" and refusal.actor_label == "stranger@council.example"
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    a11y.check()


def test_a_disabled_member_of_staff_is_refused(page, a11y, partnership, council, council_manager):
    council_manager.is_active = False
    council_manager.save()
    _through_provider(page, a11y, council_manager.email, mfa=True)

    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in with this account")
    expect(page.get_by_role("main")).to_contain_text("no longer has access")
    assert not SocialAccount.objects.exists()
    assert AuditEntry.objects.get(action="auth.sso_refused").detail["reason"] == "disabled"


def test_staff_removed_after_signing_in_are_signed_out_at_the_next_request(
    page, a11y, partnership, council, council_manager, business_manager
):
    _through_provider(page, a11y, council_manager.email, mfa=True)
    expect(page).to_have_url(re.compile(rf"/p/{partnership.slug}/$"))

    membership = Membership.objects.get(user=council_manager, partnership=partnership)
    services.remove_staff_member(membership=membership, removed_by=business_manager)
    page.goto(f"/p/{partnership.slug}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    a11y.check()
    expect(page.locator("body")).to_contain_text("You were signed out because your access to Convene has changed.")
    assert AuditEntry.objects.filter(action="auth.sso_session_ended", actor=council_manager).exists()


def test_a_replayed_answer_from_the_provider_is_refused(page, a11y, partnership, council, council_manager):
    callbacks = _through_provider(page, a11y, council_manager.email, mfa=True)
    expect(page).to_have_url(re.compile(rf"/p/{partnership.slug}/$"))
    assert callbacks
    links = SocialAccount.objects.count()

    response = page.goto(callbacks[0])
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Signing in did not work")
    a11y.check()
    assert SocialAccount.objects.count() == links
    assert AuditEntry.objects.filter(action="auth.sso_failed").exists()


@pytest.mark.parametrize("tamper", ["audience", "signature"])
def test_an_id_token_for_another_audience_or_with_a_bad_signature_is_refused(
    page, a11y, partnership, oidc_provider, tamper
):
    provider = add_provider(
        partnership,
        oidc_provider.issuer,
        name="Trust account",
        client_id=f"convene-{tamper}",
        domains=["trust.example"],
    )
    oidc_provider([(provider, tamper)])
    person = make_staff("kim@trust.example", "Kim Lowe", partnership, Membership.Role.BUSINESS_MANAGER)

    _through_provider(page, a11y, person.email, mfa=True)

    expect(page.get_by_role("heading", level=1)).to_have_text("Signing in did not work")
    assert not SocialAccount.objects.exists()
    assert not AuditEntry.objects.filter(action="auth.signed_in").exists()
    failure = AuditEntry.objects.get(action="auth.sso_failed")
    assert failure.partnership == partnership
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    a11y.check()


def test_a_password_cannot_be_used_for_a_domain_that_must_sign_in_with_its_provider(
    page, a11y, partnership, council, council_manager
):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(council_manager.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    a11y.check()

    expect(page.locator(".govuk-error-summary")).to_contain_text("Sign in with Northvale Council account")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert not AuditEntry.objects.filter(action="auth.signed_in").exists()
    assert AuditEntry.objects.filter(action="auth.password_refused_sso").exists()


def test_signing_out_offers_the_providers_end_session_endpoint(page, a11y, partnership, council, council_manager):
    _through_provider(page, a11y, council_manager.email, mfa=True)
    expect(page).to_have_url(re.compile(rf"/p/{partnership.slug}/$"))

    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out of Convene")
    a11y.check()
    sign_out_there = page.get_by_role("link", name="Sign out of Northvale Council account too")
    expect(sign_out_there).to_have_attribute("href", re.compile(re.escape(council.issuer_url) + r"/session/end\?"))
    sign_out_there.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test provider: sign out")
    a11y.check()
    page.get_by_role("button", name="Sign out at the provider").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test provider: signed out")
    a11y.check()
