"""The business manager sets up the partnership's OpenID providers: GOV.UK forms, audited, the secret encrypted."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.db import connection
from django.urls import reverse

from core.crypto import FERNET_PREFIX
from core.models import AuditEntry
from partnerships.models import SingleSignOnProvider
from tests.sso.conftest import add_provider

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Northvale Council account",
    "issuer_url": "https://login.microsoftonline.com/2f6a4b1c-0000-4000-8000-1234567890ab/v2.0",
    "client_id": "9d1c2b3a-1111-4222-8333-444455556666",
    "client_secret": "a very secret value",
    "email_domains": "council.example\n@Schools.Council.example",
}


def _add_url(partnership):
    return reverse("partnerships:sso_add", args=[partnership.slug])


def test_a_business_manager_adds_a_provider_and_its_secret_is_kept_encrypted(bm_client, partnership):
    response = bm_client.post(_add_url(partnership), GOOD)

    assert response.status_code == 302
    provider = SingleSignOnProvider.objects.get()
    assert provider.client_secret == "a very secret value"
    assert provider.domain_list() == ["council.example", "schools.council.example"]
    assert provider.issuer_url == GOOD["issuer_url"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM partnerships_singlesignonprovider WHERE id = %s", [provider.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith(FERNET_PREFIX) and "secret" not in stored
    entry = AuditEntry.objects.get(action="sso.provider_added")
    assert entry.partnership == partnership and entry.detail["domains"] == provider.domain_list()
    assert "a very secret value" not in str(entry.detail)

    page = bm_client.get(reverse("partnerships:sso_list", args=[partnership.slug]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Northvale Council account" in content and "schools.council.example" in content
    assert f"/accounts/oidc/{provider.app_id}/login/callback/" in content
    assert "a very secret value" not in content


def test_changing_a_provider_keeps_the_secret_when_left_blank(bm_client, partnership):
    provider = add_provider(
        partnership, "https://login.council.example", name="Council", client_id="c", domains=["a.example"]
    )
    edit = reverse("partnerships:sso_edit", args=[partnership.slug, provider.pk])

    page = bm_client.get(edit)
    assert "secret of c" not in page.content.decode()
    response = bm_client.post(edit, {**GOOD, "client_secret": "", "email_domains": "b.example"})

    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.client_secret == "secret of c"
    assert provider.domain_list() == ["b.example"]
    assert AuditEntry.objects.get(action="sso.provider_changed").detail["domains"] == ["b.example"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter a display name"),
        ("issuer_url", "not a web address", "Enter the issuer URL as a full web address"),
        ("issuer_url", "http://login.council.example", "Enter an issuer URL that starts with https://"),
        ("client_id", "", "Enter the client ID"),
        ("client_secret", "", "Enter the client secret"),
        ("email_domains", "", "Enter at least one email domain"),
        ("email_domains", "council.example\nnot a domain", "Enter each email domain like northvale.gov.uk"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(bm_client, partnership, field, value, message):
    response = bm_client.post(_add_url(partnership), {**GOOD, field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not SingleSignOnProvider.objects.exists()
    # What was typed stays (the secret excepted, which is never shown back).
    if field != "name":
        assert GOOD["name"] in response.content.decode()


def test_a_domain_belongs_to_one_provider_only(bm_client, partnership, other_partnership):
    add_provider(
        other_partnership, "https://login.eastmere.example", name="Eastmere", client_id="e", domains=["council.example"]
    )

    response = bm_client.post(_add_url(partnership), GOOD)

    assert response.status_code == 200
    assert "council.example already signs in with Eastmere" in response.content.decode()
    assert SingleSignOnProvider.objects.count() == 1


def test_removing_a_provider_removes_its_links_and_is_audited(bm_client, partnership, business_manager):
    provider = add_provider(
        partnership, "https://login.council.example", name="Council", client_id="c", domains=["a.example"]
    )
    SocialAccount.objects.create(user=business_manager, provider=provider.app_id, uid="subject-1")

    response = bm_client.post(reverse("partnerships:sso_remove", args=[partnership.slug, provider.pk]))

    assert response.status_code == 302
    assert not SingleSignOnProvider.objects.exists()
    assert not SocialAccount.objects.exists()
    assert AuditEntry.objects.get(action="sso.provider_removed").detail["name"] == "Council"


def test_reviewers_and_other_partnerships_cannot_see_or_change_providers(client, partnership, reviewer, outsider):
    provider = add_provider(
        partnership, "https://login.council.example", name="Council", client_id="c", domains=["a.example"]
    )
    edit = reverse("partnerships:sso_edit", args=[partnership.slug, provider.pk])
    remove = reverse("partnerships:sso_remove", args=[partnership.slug, provider.pk])

    client.force_login(reviewer)
    assert client.get(edit).status_code == 403
    assert client.post(remove).status_code == 403
    client.force_login(outsider)
    assert client.get(edit).status_code == 404
    assert client.post(remove).status_code == 404
    assert client.post(_add_url(partnership), GOOD).status_code == 404

    provider.refresh_from_db()
    assert provider.name == "Council"
    assert not AuditEntry.objects.filter(action__startswith="sso.").exists()


def test_the_sign_in_page_starts_single_sign_on_from_a_work_email_address(client, partnership):
    add_provider(
        partnership, "https://login.council.example", name="Council", client_id="c", domains=["council.example"]
    )
    start = reverse("account:sso_start")

    assert "sign in with your organisation" in client.get(reverse("account_login")).content.decode()
    unknown = client.post(start, {"email": "someone@elsewhere.example"})
    assert unknown.status_code == 200
    assert "Enter a work email address whose organisation signs in to Convene" in unknown.content.decode()
    bad = client.post(start, {"email": "not an address"})
    assert "Enter your work email address in the correct format" in bad.content.decode()
    assert "not an address" in bad.content.decode()


def test_staff_added_with_a_providers_domain_are_told_to_use_it_and_get_no_password_link(bm_client, partnership):
    from notifications.models import OutboundMessage

    add_provider(
        partnership, "https://login.council.example", name="Council account", client_id="c", domains=["council.example"]
    )

    response = bm_client.post(
        reverse("partnerships:staff_add", args=[partnership.slug]),
        {"full_name": "Ali New", "email": "ali.new@council.example", "role": "reviewer"},
    )

    assert response.status_code == 302
    message = OutboundMessage.objects.get(kind="staff_added")
    assert "Sign in with your Council account" in message.body_text
    assert "/account/single-sign-on/" in message.body_text
    assert "/accounts/password/reset/key/" not in message.body_text
