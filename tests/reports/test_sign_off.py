"""Recording the partnership's sign-off: what it refuses, and what it closes."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core import links
from core.errors import DomainError
from core.models import AuditEntry
from events.models import ReviewerNote
from reports import circulation as circulation_service
from reports import documents, responses, signoff
from reports.models import NameHit, SignOff
from reviews.models import Review, ReviewStatusChange
from tests.reports.test_responses import (
    answer,
    logged_in,
    make_checker,
    make_circulation,
    make_comment,
    make_version,
    responses_url,
)

pytestmark = pytest.mark.django_db

BODY = "Safeguarding Partnership Executive"
MINUTE = "SPE 2027/14"
# These reviews have nobody to ask unless a test adds someone: a version not checked needs the reason.
NO_CHECK = "Nobody attended the event and no agency was asked for names."


def sign_off_url(review):
    return reverse("reports:report_sign_off", args=[review.partnership.slug, review.pk])


def sign_off_form(chosen, day=None, **overrides):
    day = day or timezone.localdate()
    return {
        "version": chosen.pk,
        "body": BODY,
        "signed_off_on_0": str(day.day),
        "signed_off_on_1": str(day.month),
        "signed_off_on_2": str(day.year),
        "minute_reference": MINUTE,
        "no_check_reason": NO_CHECK,
        "confirm": "on",
    } | overrides


@pytest.fixture
def version(review):
    return make_version(review)


@pytest.fixture
def checked(review, version, reviewer):
    """Version 1 circulated to two checkers, each with a working link; one sent a comment, which the
    reviewer answered (sign-off waits for every answer)."""
    circulation = make_circulation(version)
    tokens = {}
    for name, email in [("Dana Price", "dana@police.example"), ("Sam Osei", "sam@school.example")]:
        checker = make_checker(circulation, name, email)
        tokens[email], checker.token_hash = links.new_token()
        checker.save()
    comment = make_comment(circulation.checkers.get(email="dana@police.example"), 2, "It was February.")
    responses.answer_comment(comment, response="not_accepted", text="The minutes say January.", by=reviewer)
    Review.objects.filter(pk=review.pk).update(status=Review.Status.FACTUAL_ACCURACY)
    review.refresh_from_db()
    return {"circulation": circulation, "tokens": tokens, "comment": comment}


def record(review, version, by, **overrides):
    values = {
        "version": version,
        "body": BODY,
        "signed_off_on": timezone.localdate(),
        "minute_reference": MINUTE,
        "recorded_by": by,
        "no_check_reason": NO_CHECK,
    } | overrides
    return signoff.sign_off(review, **values)


# Recording it -----------------------------------------------------------------------------------


def test_the_form_offers_only_checked_versions_latest_first(bm_client, review, version):
    make_version(review, 2)
    make_version(review, 3, checked=False)
    with_names = make_version(review, 4)
    NameHit.objects.create(version=with_names, kind="subject", paragraph=1, matched="Alex", context="Alex")

    response = bm_client.get(sign_off_url(review))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Version 2, added") < page.index("Version 1, added")
    assert "Version 3, added" not in page and "Version 4, added" not in page
    assert "You cannot undo a sign-off." in page
    assert "every checker's personal link stops working" in page


def test_sign_off_closes_the_check_and_moves_the_review(
    bm_client, business_manager, reviewer, review, version, checked, django_capture_on_commit_callbacks
):
    tokens = checked["tokens"]
    assert links.lookup(circulation_service.CHECKER_LINK, tokens["dana@police.example"]) is not None

    response = bm_client.post(sign_off_url(review), sign_off_form(version))

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report_publication", args=[review.partnership.slug, review.pk])
    sign_off = SignOff.objects.get(review=review)
    assert (sign_off.version, sign_off.body, sign_off.minute_reference) == (version, BODY, MINUTE)
    assert (sign_off.signed_off_on, sign_off.recorded_by) == (timezone.localdate(), business_manager)
    circulation = checked["circulation"]
    circulation.refresh_from_db()
    assert circulation.closed_at is not None
    assert not circulation.checkers.filter(token_revoked_at__isnull=True).exists()
    for token in tokens.values():
        assert links.lookup(circulation_service.CHECKER_LINK, token) is None
    review.refresh_from_db()
    assert review.status == Review.Status.SIGNED_OFF
    change = ReviewStatusChange.objects.get(review=review, to_status=Review.Status.SIGNED_OFF)
    assert (change.from_status, change.changed_by) == (Review.Status.FACTUAL_ACCURACY, business_manager)
    entry = AuditEntry.objects.get(action="review.signed_off")
    assert entry.detail == {
        "version": 1,
        "body": BODY,
        "signed_off_on": timezone.localdate().isoformat(),
        "minute_reference": MINUTE,
    }
    assert AuditEntry.objects.filter(action="review.status_changed", object_id=str(review.pk)).exists()


def test_sign_off_may_move_the_review_several_stages(business_manager, review, version):
    assert review.status == Review.Status.SCOPING

    recorded = record(review, version, business_manager)

    assert recorded.no_check_reason == NO_CHECK
    review.refresh_from_db()
    assert review.status == Review.Status.SIGNED_OFF
    change = review.status_changes.last()
    assert (change.from_status, change.to_status) == ("scoping", "signed_off")


def test_after_sign_off_no_answer_or_new_version(business_manager, reviewer, review, version, checked):
    record(review, version, business_manager)
    comment = checked["comment"]

    reviewer_page = logged_in(reviewer).post(responses_url(review), answer(comment, "accepted"))

    assert "can no longer change" in reviewer_page.content.decode()
    comment.refresh_from_db()
    assert comment.response == "not_accepted"
    with pytest.raises(DomainError, match="signed off"):
        documents.add_version(review, upload=SimpleUploadedFile("report.docx", b"not read"), created_by=reviewer)
    assert review.report_versions.count() == 1


def test_the_notes_page_shows_when_the_notes_go(business_manager, reviewer, review, version):
    ReviewerNote.objects.create(review=review, author=reviewer, title="Event", body="What was said")
    record(review, version, business_manager)

    page = logged_in(reviewer).get(reverse("events:review_notes", args=[review.partnership.slug, review.pk]))

    delete_on = timezone.localdate() + timedelta(days=review.partnership.notes_deletion_days)
    expected = f"These notes will be deleted on {delete_on:%A} {delete_on.day} {delete_on:%B %Y}."
    assert expected in page.content.decode()


# What it refuses --------------------------------------------------------------------------------


def test_a_second_sign_off_is_refused_and_nothing_changes(bm_client, business_manager, review, version):
    first = record(review, version, business_manager)
    later = make_version(review, 2)
    entries = AuditEntry.objects.count()

    with pytest.raises(DomainError, match="already been signed off"):
        record(review, later, business_manager, body="Another board")
    response = bm_client.post(sign_off_url(review), sign_off_form(later, body="Another board"), follow=True)

    assert "A sign-off cannot be recorded twice." in response.content.decode()
    assert SignOff.objects.get(review=review) == first
    first.refresh_from_db()
    assert (first.version, first.body) == (version, BODY)
    assert AuditEntry.objects.count() == entries
    assert ReviewStatusChange.objects.filter(review=review, to_status="signed_off").count() == 1


def test_the_page_shows_a_recorded_sign_off_without_a_form(bm_client, business_manager, review, version):
    record(review, version, business_manager)

    page = bm_client.get(sign_off_url(review)).content.decode()

    assert BODY in page and MINUTE in page
    assert 'name="minute_reference"' not in page


def test_a_date_in_the_future_is_refused(bm_client, business_manager, review, version):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = bm_client.post(sign_off_url(review), sign_off_form(version, day=tomorrow))

    assert response.status_code == 200
    assert "The date of sign-off must be today or in the past." in response.content.decode()
    assert not SignOff.objects.exists()
    review.refresh_from_db()
    assert review.status == Review.Status.SCOPING


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": ""}, "Enter who signed the review off"),
        ({"minute_reference": ""}, "Enter the minute reference"),
        ({"signed_off_on_0": "31", "signed_off_on_1": "2"}, "The date of sign-off must be a real date"),
        ({"confirm": ""}, "Confirm that you understand sign-off cannot be undone"),
        ({"version": ""}, "Choose the version that was signed off"),
    ],
)
def test_missing_or_wrong_details_are_refused(bm_client, review, version, fields, message):
    response = bm_client.post(sign_off_url(review), sign_off_form(version, **fields))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SignOff.objects.exists()


def test_a_version_of_another_review_is_refused(bm_client, business_manager, partnership, review, version):
    other = Review.objects.create(
        partnership=partnership,
        review_type="sar",
        reference="SAR 2026-02",
        pseudonym="Adult C",
        scope_start=date(2025, 1, 1),
        scope_end=date(2025, 6, 30),
    )
    theirs = make_version(other)

    with pytest.raises(DomainError, match="this review's report"):
        record(review, theirs, business_manager)
    response = bm_client.post(sign_off_url(review), sign_off_form(theirs))

    assert "Choose a version" in response.content.decode()
    assert not SignOff.objects.exists()


def test_a_version_not_checked_for_names_is_refused(business_manager, review):
    unchecked = make_version(review, checked=False)

    with pytest.raises(DomainError, match="has not passed the check for names"):
        record(review, unchecked, business_manager)
    assert not SignOff.objects.exists()


def test_a_version_with_open_name_hits_is_refused(business_manager, review, version):
    hit = NameHit.objects.create(version=version, kind="subject", paragraph=1, matched="Alex", context="Alex")

    with pytest.raises(DomainError, match="has not passed the check for names"):
        record(review, version, business_manager)
    assert not SignOff.objects.exists()

    NameHit.objects.filter(pk=hit.pk).update(status=NameHit.Status.NOT_A_PERSON)
    assert record(review, version, business_manager).version == version


# Who may ----------------------------------------------------------------------------------------


def test_reviewers_get_403(reviewer, review, version):
    browser = logged_in(reviewer)

    assert browser.get(sign_off_url(review)).status_code == 403
    assert browser.post(sign_off_url(review), sign_off_form(version)).status_code == 403
    assert not SignOff.objects.exists()


def test_an_outsider_gets_404(outsider, review, version):
    browser = logged_in(outsider)

    assert browser.get(sign_off_url(review)).status_code == 404
    assert browser.post(sign_off_url(review), sign_off_form(version)).status_code == 404
    assert not SignOff.objects.exists()


def test_signing_in_is_needed(client, review):
    response = client.get(sign_off_url(review))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
