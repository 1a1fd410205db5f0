"""Legal holds: the business manager places and lifts them with a reason; the review page and dashboard show them;
a review under a hold is not published (the page refuses and names why)."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from reports.models import Publication
from reviews import holds
from reviews.models import LegalHold, Review
from tests.reports.test_publication import circulation, publication_url, signed_off  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

REASON = "Criminal proceedings against the mother; the police may need the material as evidence."


def hold_url(review):
    return reverse("reviews:legal_hold", args=[review.partnership.slug, review.pk])


def review_url(review):
    return reverse("overview:review_detail", args=[review.partnership.slug, review.pk])


def test_the_business_manager_places_a_hold_with_its_reason(bm_client, business_manager, review):
    page = bm_client.get(hold_url(review)).content.decode()
    assert "This review is not under a legal hold." in page

    response = bm_client.post(hold_url(review), {"reason": REASON}, follow=True)

    assert "The review is under a legal hold." in response.content.decode()
    hold = LegalHold.objects.get(review=review)
    assert (hold.reason, hold.placed_by, hold.lifted_at) == (REASON, business_manager, None)
    assert holds.is_held(review)
    entry = AuditEntry.objects.get(action="review.legal_hold_placed")
    assert (entry.actor, entry.object_id) == (business_manager, str(review.pk))
    assert REASON not in str(entry.detail)


def test_a_hold_needs_a_reason_and_nothing_is_saved_without_one(bm_client, review):
    response = bm_client.post(hold_url(review), {"reason": "  "})

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter why the review is under a legal hold" in page
    assert not LegalHold.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="review.legal_hold").exists()


def test_lifting_needs_a_reason_and_keeps_the_history(bm_client, business_manager, review):
    holds.place_hold(review, reason=REASON, by=business_manager)

    response = bm_client.post(hold_url(review), {"reason": ""})
    assert "Enter why the legal hold is lifted" in response.content.decode()
    assert holds.is_held(review)

    response = bm_client.post(hold_url(review), {"reason": "The trial has ended."}, follow=True)

    page = response.content.decode()
    assert "The legal hold is lifted." in page
    assert "Earlier holds" in page and "The trial has ended." in page
    assert not holds.is_held(review)
    hold = LegalHold.objects.get()
    assert (hold.lift_reason, hold.lifted_by) == ("The trial has ended.", business_manager)
    assert AuditEntry.objects.filter(action="review.legal_hold_lifted").count() == 1

    # A new hold can be placed after one is lifted.
    holds.place_hold(review, reason="An inquest has been opened.", by=business_manager)
    assert LegalHold.objects.standing().get().reason == "An inquest has been opened."


def test_a_second_standing_hold_is_refused(business_manager, review):
    from core.errors import DomainError

    holds.place_hold(review, reason=REASON, by=business_manager)
    with pytest.raises(DomainError, match="already under a legal hold"):
        holds.place_hold(review, reason="Another", by=business_manager)
    assert LegalHold.objects.count() == 1


def test_the_review_page_and_the_dashboard_show_the_hold(bm_client, client, reviewer, business_manager, review):
    holds.place_hold(review, reason=REASON, by=business_manager)

    page = bm_client.get(review_url(review)).content.decode()
    assert "Under a legal hold since" in page and REASON in page
    # The reason ends with its own full stop: no second one.
    assert f"{REASON} The reviewers" in page and f"{REASON}." not in page
    assert hold_url(review) in page
    dashboard = bm_client.get(reverse("overview:partnership_overview", args=[review.partnership.slug]))
    assert "Legal hold" in dashboard.content.decode()

    # The reviewer sees the hold too (their notes are kept), but not the link to lift it.
    client.force_login(reviewer)
    page = client.get(review_url(review)).content.decode()
    assert "Under a legal hold since" in page
    assert hold_url(review) not in page


@pytest.mark.parametrize(
    ("reason", "shown"),
    [
        ("The police need the material", "The police need the material. Lift"),
        ("The police need the material.", "The police need the material. Lift"),
        ("Is the inquest still open?", "Is the inquest still open? Lift"),
        ("Trial listed!", "Trial listed! Lift"),
    ],
)
def test_the_refusal_ends_the_reason_with_one_stop(business_manager, review, reason, shown):
    holds.place_hold(review, reason=reason, by=business_manager)
    assert shown in holds.refusal(holds.standing_hold(review))


def test_reviewers_get_403_and_outsiders_404(client, reviewer, outsider, review):
    client.force_login(reviewer)
    assert client.get(hold_url(review)).status_code == 403
    assert client.post(hold_url(review), {"reason": REASON}).status_code == 403
    client.force_login(outsider)
    assert client.get(hold_url(review)).status_code == 404
    assert not LegalHold.objects.exists()


def test_publishing_under_a_hold_is_refused_with_the_reason_and_nothing_changes(
    bm_client,
    business_manager,
    signed_off,  # noqa: F811 - the fixture
):
    holds.place_hold(signed_off, reason=REASON, by=business_manager)
    audit_before = AuditEntry.objects.count()

    response = bm_client.post(publication_url(signed_off), {"action": "publish"}, follow=True)

    page = response.content.decode()
    assert "This review is under a legal hold" in page and REASON in page
    assert f"{REASON} Lift the hold" in page and f"{REASON}." not in page
    assert f"{REASON} Lift the hold" in bm_client.get(publication_url(signed_off)).content.decode()
    assert not Publication.objects.filter(state=Publication.State.PUBLISHED).exists()
    assert Review.objects.get(pk=signed_off.pk).status == Review.Status.SIGNED_OFF
    assert AuditEntry.objects.count() == audit_before

    holds.lift_hold(signed_off, reason="The trial has ended.", by=business_manager)
    bm_client.post(publication_url(signed_off), {"action": "publish"})
    assert Publication.objects.get(review=signed_off).state == Publication.State.PUBLISHED
