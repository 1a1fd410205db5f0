"""What sign-off waits for besides the check itself: the reviewer's answer to every sent comment, the
check's deadline or every checker's answer, and a date no earlier than the draft went out. And what the
sign-off and publication pages say about legal holds and holding a report back. Each refusal is tested
from the business manager's side (the page refuses, names why, and nothing changes) and at the service."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from core.formatting import long_date
from core.models import AuditEntry
from reports import responses, signoff
from reports.models import Publication, SignOff
from reviews import holds
from reviews.models import Review
from tests.reports.test_responses import make_checker, make_circulation, make_comment, make_version
from tests.reports.test_sign_off import BODY, MINUTE, sign_off_form, sign_off_url

pytestmark = pytest.mark.django_db

HOLD_REASON = "Possible criminal proceedings: the police asked that everything is kept."


def record(review, version, by, **overrides):
    values = {
        "version": version,
        "body": BODY,
        "signed_off_on": timezone.localdate(),
        "minute_reference": MINUTE,
        "recorded_by": by,
    } | overrides
    return signoff.sign_off(review, **values)


def nothing_signed_off(review, entries):
    review.refresh_from_db()
    assert not SignOff.objects.filter(review=review).exists()
    assert review.status == Review.Status.FACTUAL_ACCURACY
    assert AuditEntry.objects.count() == entries


def publication_url(review):
    return reverse("reports:report_publication", args=[review.partnership.slug, review.pk])


@pytest.fixture
def check(review):
    """Version 1 sent to seven checkers, its deadline two weeks away: three answered, four have not.
    Two of those who answered sent comments."""
    version = make_version(review)
    circulation = make_circulation(version)
    checkers = [
        make_checker(circulation, f"Checker {n}", f"checker{n}@agency.example", responded=n < 3) for n in range(7)
    ]
    comments = [
        make_comment(checkers[0], 2, "It was February, not March."),
        make_comment(checkers[1], 3, "The school raised it first."),
    ]
    Review.objects.filter(pk=review.pk).update(status=Review.Status.FACTUAL_ACCURACY)
    review.refresh_from_db()
    return {"version": version, "circulation": circulation, "checkers": checkers, "comments": comments}


def everyone_answered(check):
    for checker in check["checkers"]:
        if checker.responded_at is None:
            checker.responded_at = timezone.now()
            checker.save(update_fields=["responded_at"])


def answer_all(check, reviewer):
    for comment in check["comments"]:
        responses.answer_comment(comment, response="not_accepted", text="The minutes say otherwise.", by=reviewer)


# Item 1: unanswered comments, and a check still open ----------------------------------------------


def test_the_page_refuses_while_sent_comments_have_no_answer_and_says_where_to_answer(
    bm_client, business_manager, reviewer, review, check
):
    everyone_answered(check)
    entries = AuditEntry.objects.count()

    page = bm_client.get(sign_off_url(review)).content.decode()

    assert "The review cannot be signed off yet." in page
    assert "2 factual-accuracy comments have no answer from the reviewer." in page
    assert "“Comments on the draft report”" in page
    assert reverse("reports:report_responses", args=[review.partnership.slug, review.pk]) + "?show=unanswered" in page
    assert 'name="minute_reference"' not in page

    response = bm_client.post(sign_off_url(review), sign_off_form(check["version"]))

    assert response.status_code == 200
    assert "2 factual-accuracy comments have no answer from the reviewer." in response.content.decode()
    nothing_signed_off(review, entries)
    responses.answer_comment(check["comments"][0], response="not_accepted", text="It was March.", by=reviewer)
    with pytest.raises(DomainError, match="1 factual-accuracy comment has no answer"):
        record(review, check["version"], business_manager)
    assert not SignOff.objects.exists()


def test_the_page_refuses_while_the_check_is_open_and_names_its_deadline(
    bm_client, business_manager, reviewer, review, check
):
    answer_all(check, reviewer)
    entries = AuditEntry.objects.count()
    deadline = long_date(check["circulation"].deadline)

    page = bm_client.get(sign_off_url(review)).content.decode()

    assert "The review cannot be signed off yet." in page
    assert f"open until the end of {deadline}, and 4 of the 7 people asked have not answered yet" in page
    assert 'name="minute_reference"' not in page

    response = bm_client.post(sign_off_url(review), sign_off_form(check["version"]))

    assert response.status_code == 200
    assert f"open until the end of {deadline}" in response.content.decode()
    nothing_signed_off(review, entries)
    with pytest.raises(DomainError, match="4 of the 7 people asked have not answered"):
        record(review, check["version"], business_manager)


def test_once_everyone_answered_and_every_comment_is_answered_sign_off_goes_through(bm_client, reviewer, review, check):
    everyone_answered(check)
    answer_all(check, reviewer)

    assert 'name="minute_reference"' in bm_client.get(sign_off_url(review)).content.decode()
    response = bm_client.post(sign_off_url(review), sign_off_form(check["version"]))

    assert response.status_code == 302
    assert SignOff.objects.filter(review=review, version=check["version"]).exists()


def test_once_the_deadline_has_passed_those_who_did_not_answer_no_longer_hold_it_up(
    business_manager, reviewer, review, check
):
    answer_all(check, reviewer)
    after_deadline = timezone.make_aware(
        timezone.datetime.combine(check["circulation"].deadline + timedelta(days=1), timezone.datetime.min.time())
    )

    with time_machine.travel(after_deadline + timedelta(hours=9)):
        assert signoff.waiting_refusals(review) == []
        assert record(review, check["version"], business_manager).version == check["version"]


# Item 2: the date of sign-off ---------------------------------------------------------------------


def test_a_date_before_the_version_was_sent_for_checking_is_refused_on_the_date_field(
    bm_client, business_manager, reviewer, review, check
):
    everyone_answered(check)
    answer_all(check, reviewer)
    sent = timezone.localdate(check["circulation"].started_at)
    entries = AuditEntry.objects.count()

    response = bm_client.post(sign_off_url(review), sign_off_form(check["version"], day=sent - timedelta(days=1)))

    page = response.content.decode()
    assert response.status_code == 200
    message = f"The date of sign-off must be on or after {long_date(sent)}, when version 1 was sent for checking."
    assert message in page
    assert f'<a href="#id_signed_off_on">{message}</a>' in page
    assert 'govuk-input--error" aria-invalid="true" id="id_signed_off_on_0"' in page
    nothing_signed_off(review, entries)

    assert record(review, check["version"], business_manager, signed_off_on=sent).signed_off_on == sent


def test_a_version_made_after_the_check_cannot_be_signed_off_before_it_was_added(
    business_manager, reviewer, review, check
):
    everyone_answered(check)
    answer_all(check, reviewer)
    later = make_version(review, 2)
    added = timezone.localdate(later.created_at)

    with pytest.raises(DomainError, match=f"on or after {long_date(added)}, when version 2 was added") as refused:
        record(review, later, business_manager, signed_off_on=added - timedelta(days=1))

    assert refused.value.field == "signed_off_on"
    assert not SignOff.objects.exists()


def test_a_date_in_the_future_is_refused_on_the_date_field(bm_client, reviewer, review, check):
    everyone_answered(check)
    answer_all(check, reviewer)

    response = bm_client.post(
        sign_off_url(review), sign_off_form(check["version"], day=timezone.localdate() + timedelta(days=1))
    )

    page = response.content.decode()
    assert '<a href="#id_signed_off_on">The date of sign-off must be today or in the past.</a>' in page
    assert not SignOff.objects.exists()


# Item 3: the reviewers' notes under a legal hold ---------------------------------------------------


def test_under_a_legal_hold_the_page_says_the_notes_are_kept(bm_client, business_manager, reviewer, review, check):
    everyone_answered(check)
    answer_all(check, reviewer)
    days = review.partnership.notes_deletion_days

    assert f"the reviewers' private notes are deleted {days} days later" in bm_client.get(
        sign_off_url(review)
    ).content.decode().replace("&#x27;", "'")

    holds.place_hold(review, reason=HOLD_REASON, by=business_manager)
    page = bm_client.get(sign_off_url(review)).content.decode().replace("&#x27;", "'")

    assert "deleted {days} days later" not in page
    assert "the reviewers' private notes are kept while the review's legal hold stands" in page
    assert "start when the hold is lifted" in page


# Item 4: the publication page ----------------------------------------------------------------------


@pytest.fixture
def signed_off(business_manager, reviewer, review, check):
    everyone_answered(check)
    answer_all(check, reviewer)
    record(review, check["version"], business_manager)
    return review


def test_the_legal_hold_blocker_links_to_the_legal_hold_page(bm_client, business_manager, signed_off):
    holds.place_hold(signed_off, reason=HOLD_REASON, by=business_manager)

    page = bm_client.get(publication_url(signed_off)).content.decode()

    assert "Lift the hold on the review&#x27;s legal hold page first." in page
    hold_page = reverse("reviews:legal_hold", args=[signed_off.partnership.slug, signed_off.pk])
    assert f'href="{hold_page}">Go to the review' in page


def test_holding_back_says_it_is_not_a_legal_hold_and_how_to_stop(bm_client, signed_off):
    page = bm_client.get(publication_url(signed_off)).content.decode()
    assert "it is not a legal hold" in page

    response = bm_client.post(
        publication_url(signed_off), {"action": "hold", "reason": "Until the trial ends."}, follow=True
    )

    page = response.content.decode()
    assert Publication.objects.get(review=signed_off).state == Publication.State.HELD
    assert "The report is held back." in page
    assert "To stop holding it back, publish it" in page
    assert "publishing is the way to end holding it back" in page
