"""The demo seed: a second run changes nothing, and the Northvale business manager can sign in with it."""

from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from core.models import Membership, Partnership, User
from demo.management.commands.seed_demo import DEMO_PASSWORD
from events.models import Event, Invitation
from practitioners.models import Agency, Nomination, NominationRequest, Practitioner
from reports import signoff
from reports.models import Publication, ReportVersion
from reviews.models import Review
from submissions.models import AccountRequest, AccountVersion

pytestmark = pytest.mark.django_db

MANAGER = "manager@northvale.example"
SEEDED = [
    Partnership,
    User,
    Membership,
    Authenticator,
    Review,
    Agency,
    Practitioner,
    NominationRequest,
    Nomination,
    Event,
    Invitation,
    ReportVersion,
    AccountRequest,
    AccountVersion,
]


@pytest.fixture(autouse=True)
def _development(settings):
    """The demo commands run only in development."""
    settings.DEBUG = True


def counts():
    return {model.__name__: model.objects.count() for model in SEEDED}


def test_seeding_twice_adds_nothing_the_second_time():
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    assert first["Partnership"] == 2
    assert first["User"] == 4

    call_command("seed_demo", stdout=StringIO())

    assert counts() == first
    assert sorted(Partnership.objects.values_list("slug", flat=True)) == ["eastmere", "northvale"]


def test_the_northvale_business_manager_signs_in_to_the_dashboard(client):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    partnership = Partnership.objects.get(slug="northvale")

    response = client.post(reverse("account_login"), {"login": MANAGER, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")

    code = StringIO()
    call_command("demo_totp", MANAGER, stdout=code, stderr=StringIO())
    response = client.post(reverse("mfa_authenticate"), {"code": code.getvalue().strip()})
    assert response.status_code == 302

    response = client.get(reverse("overview:home"), follow=True)
    dashboard = reverse("overview:partnership_overview", args=[partnership.slug])
    assert response.redirect_chain[-1][0] == dashboard
    assert response.status_code == 200
    assert escape(partnership.name) in response.content.decode()


def test_the_published_review_was_checked_and_includes_every_answer():
    call_command("seed_demo", stdout=StringIO())

    publication = Publication.objects.get(state=Publication.State.PUBLISHED)
    signed = publication.review.sign_off
    assert signoff.went_through_check(signed.version)
    assert signoff.changing_answers(publication.review).exists()
    assert not signoff.answers_not_in(signed.version).exists()
    assert (signed.no_check_reason, signed.answers_reason) == ("", "")
    assert signoff.publication_blockers(publication.review) == []


def test_the_demo_shows_a_review_with_written_accounts_in_progress(client):
    call_command("seed_demo", stdout=StringIO())
    review = Review.objects.get(reference="CSPR 2026-02")
    requests = AccountRequest.objects.filter(review=review)
    assert requests.count() == 4
    assert requests.filter(sent_at__isnull=False).count() == 1
    assert AccountVersion.objects.filter(document__request__review=review).count() == 2
    manager = Membership.objects.business_managers().get(partnership=review.partnership).user
    client.force_login(manager)
    page = client.get(reverse("accounts:progress", args=[review.partnership.slug, review.pk]))
    assert page.status_code == 200
    assert "chronology corrected.pdf" in page.content.decode()


def test_the_demo_shows_a_configured_single_sign_on_provider(client):
    from partnerships.models import SingleSignOnProvider

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    provider = SingleSignOnProvider.objects.get()
    manager = User.objects.get(email=MANAGER)
    client.force_login(manager)

    page = client.get(reverse("partnerships:sso_list", args=["northvale"]))

    assert page.status_code == 200
    assert provider.name in page.content.decode()
    assert "council.northvale.example" in page.content.decode()
    assert "login.microsoftonline.com" in page.content.decode()
