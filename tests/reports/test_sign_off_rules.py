"""What sign-off and publication wait for: the factual-accuracy check, the answers that changed the
report, and the review's events. Each rule is tested from the business manager's side (the page
refuses, names why, and nothing changes) and at the service."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from core.models import AuditEntry
from events.models import Attendance, Event, Invitation
from practitioners.models import Agency, Practitioner
from reports import responses, signoff
from reports.models import Circulation, Publication, SignOff
from reviews.models import Review
from reviews.services import record_timeline
from tests.events.conftest import invite, make_event
from tests.reports.test_responses import make_checker, make_circulation, make_comment, make_version
from tests.reports.test_sign_off import BODY, MINUTE, sign_off_form, sign_off_url

pytestmark = pytest.mark.django_db

WHY_NOT_CHECKED = "The only practitioner involved has left the country; no agency took part."
WHY_WITHOUT = "The amendment to paragraph 2 was agreed at the meeting and is minuted."


def record(review, version, by, **overrides):
    values = {
        "version": version,
        "body": BODY,
        "signed_off_on": timezone.localdate() - timedelta(days=30),
        "minute_reference": MINUTE,
        "recorded_by": by,
    } | overrides
    return signoff.sign_off(review, **values)


def publication_url(review):
    return reverse("reports:report_publication", args=[review.partnership.slug, review.pk])


def nothing_signed_off(review, entries):
    review.refresh_from_db()
    assert not SignOff.objects.filter(review=review).exists()
    assert review.status != Review.Status.SIGNED_OFF
    assert AuditEntry.objects.count() == entries


@pytest.fixture
def attendee(partnership, review):
    """Someone who attended the review's event, so someone who can be asked to check the draft."""
    agency = Agency.objects.create(partnership=partnership, name="Northvale Police", agency_type="police")
    practitioner = Practitioner.objects.create(
        partnership=partnership,
        full_name="Dana Price",
        job_title="Sergeant",
        agency=agency,
        email="dana@police.example",
    )
    event = make_event(
        review,
        starts_at=timezone.now() - timedelta(days=30, hours=3),
        ends_at=timezone.now() - timedelta(days=30),
        rsvp_deadline=timezone.localdate() - timedelta(days=40),
        status=Event.Status.HELD,
    )
    invitation = invite(event, practitioner, Invitation.Status.ACCEPTED)
    invitation.attendance = Attendance.ATTENDED
    invitation.save()
    return practitioner


@pytest.fixture
def amended(review, reviewer):
    """Version 1 went through the check; the reviewer answered a comment on paragraph 2 "Amended"."""
    first = make_version(review, 1)
    circulation = make_circulation(first)
    checker = make_checker(circulation, "Dana Price", "dana@police.example")
    comment = make_comment(checker, 2, "The strategy discussion was the next day.", "Say the next day.")
    responses.answer_comment(comment, response="amended", text="Now says the next day.", by=reviewer)
    Review.objects.filter(pk=review.pk).update(status=Review.Status.FACTUAL_ACCURACY)
    return {"first": first, "circulation": circulation, "checker": checker, "comment": comment}


# Item 3: sign-off takes a version that went through the factual-accuracy check ---------------------


def test_the_page_refuses_a_version_nobody_checked_and_names_who_can(bm_client, review, attendee):
    version = make_version(review)
    entries = AuditEntry.objects.count()

    page = bm_client.get(sign_off_url(review)).content.decode()
    assert "No version of the report has been through the factual-accuracy check." in page
    assert "Send the draft to the 1 person who can check it" in page
    assert 'name="minute_reference"' not in page

    response = bm_client.post(sign_off_url(review), sign_off_form(version))

    assert response.status_code == 200
    assert (
        "No version of the report has been through the factual-accuracy check. "
        "Send the draft to the 1 person who can check it before it is signed off."
    ) in response.content.decode()
    nothing_signed_off(review, entries)


def test_the_service_refuses_a_version_nobody_checked_even_with_a_reason(business_manager, review, attendee):
    version = make_version(review)

    with pytest.raises(DomainError, match="has been through the factual-accuracy check") as refused:
        record(review, version, business_manager, no_check_reason=WHY_NOT_CHECKED)

    assert refused.value.field == "version"
    assert not SignOff.objects.exists()


def test_a_version_made_before_the_check_is_neither_offered_nor_taken(bm_client, business_manager, review):
    early = make_version(review, 1)
    make_circulation(make_version(review, 2))

    page = bm_client.get(sign_off_url(review)).content.decode()
    assert "Version 2 was sent for its factual-accuracy check on" in page
    assert "Version 1, added" not in page and "Version 2, added" in page

    with pytest.raises(DomainError, match="Choose version 2 or a later one"):
        record(review, early, business_manager)
    assert not SignOff.objects.exists()


def test_a_checked_version_or_one_made_after_the_check_is_signed_off_without_a_reason(business_manager, review):
    make_circulation(make_version(review, 1))
    later = make_version(review, 2)

    recorded = record(review, later, business_manager, no_check_reason="Ignored: it was checked.")

    assert (recorded.version, recorded.no_check_reason, recorded.answers_reason) == (later, "", "")
    assert "no_check_reason" not in AuditEntry.objects.get(action="review.signed_off").detail


def test_with_nobody_to_ask_the_business_manager_records_why(bm_client, business_manager, review):
    version = make_version(review)
    page = bm_client.get(sign_off_url(review)).content.decode()
    assert "nobody could be asked to check it" in page
    assert 'name="no_check_reason"' in page
    entries = AuditEntry.objects.count()

    refused = bm_client.post(sign_off_url(review), sign_off_form(version, no_check_reason=""))

    assert refused.status_code == 200
    assert "Enter why it is signed off without a factual-accuracy check." in refused.content.decode()
    nothing_signed_off(review, entries)

    response = bm_client.post(sign_off_url(review), sign_off_form(version, no_check_reason=WHY_NOT_CHECKED))

    assert response.status_code == 302
    assert SignOff.objects.get(review=review).no_check_reason == WHY_NOT_CHECKED
    assert AuditEntry.objects.get(action="review.signed_off").detail["no_check_reason"] == WHY_NOT_CHECKED
    record_page = bm_client.get(sign_off_url(review)).content.decode()
    assert "Not checked: nobody could be asked to check the draft." in record_page
    assert WHY_NOT_CHECKED in record_page


# Item 2: sign-off takes a version that includes every answer saying the report changed -----------


def test_the_page_refuses_the_version_commented_on_and_names_the_answer(bm_client, review, amended):
    make_version(review, 2)
    entries = AuditEntry.objects.count()

    page = bm_client.get(sign_off_url(review)).content.decode()
    assert "Answers that changed the report" in page
    assert "Paragraph 2 of version 1, from Dana Price" in page and "Version 2 and later" in page

    response = bm_client.post(sign_off_url(review), sign_off_form(amended["first"]))

    assert response.status_code == 200
    assert (
        "Version 1 does not include 1 answer saying the report changed "
        "(the comment on paragraph 2 of version 1, answered Amended). "
        "Choose a later version, or enter why it is signed off without them."
    ) in response.content.decode()
    nothing_signed_off(review, entries)


def test_the_version_made_after_the_answer_is_signed_off(bm_client, review, amended):
    second = make_version(review, 2)

    response = bm_client.post(sign_off_url(review), sign_off_form(second))

    assert response.status_code == 302
    recorded = SignOff.objects.get(review=review)
    assert (recorded.version, recorded.answers_reason) == (second, "")
    assert "answers_not_included" not in AuditEntry.objects.get(action="review.signed_off").detail


def test_the_business_manager_may_confirm_with_a_reason_which_the_record_shows(bm_client, review, amended):
    response = bm_client.post(sign_off_url(review), sign_off_form(amended["first"], answers_reason=WHY_WITHOUT))

    assert response.status_code == 302
    recorded = SignOff.objects.get(review=review)
    assert (recorded.version, recorded.answers_reason) == (amended["first"], WHY_WITHOUT)
    detail = AuditEntry.objects.get(action="review.signed_off").detail
    assert detail["answers_reason"] == WHY_WITHOUT
    assert detail["answers_not_included"] == [
        {"comment": amended["comment"].pk, "version": 1, "paragraph": 2, "response": "amended"}
    ]
    page = bm_client.get(sign_off_url(review)).content.decode()
    assert "Answers not included" in page
    assert "Comment on paragraph 2 of version 1, answered Amended" in page
    assert WHY_WITHOUT in page


@pytest.mark.parametrize(
    ("response", "text", "needs_reason"),
    [("accepted", "", True), ("amended", "Changed.", True), ("not_accepted", "It was March.", False)],
)
def test_which_answers_a_version_must_include(
    business_manager, reviewer, review, amended, response, text, needs_reason
):
    second = make_version(review, 2)
    circulation = make_circulation(second)
    comment = make_comment(make_checker(circulation, "Sam Osei", "sam@school.example"), 1, "Wrong month.")
    responses.answer_comment(comment, response=response, text=text, by=reviewer)

    assert [c.pk for c in signoff.answers_not_in(second)] == ([comment.pk] if needs_reason else [])
    assert [c.pk for c in signoff.answers_not_in(amended["first"])] == [amended["comment"].pk] + (
        [comment.pk] if needs_reason else []
    )
    if needs_reason:
        with pytest.raises(DomainError, match="Version 2 does not include 1 answer") as refused:
            record(review, second, business_manager)
        assert refused.value.field == "answers_reason"
        assert not SignOff.objects.exists()
    else:
        assert record(review, second, business_manager).answers_reason == ""


def test_an_unanswered_or_unsent_comment_asks_for_no_reason(business_manager, reviewer, review):
    version = make_version(review)
    circulation = make_circulation(version)
    # The deadline has passed, so the checker who never sent theirs does not hold sign-off up.
    Circulation.objects.filter(pk=circulation.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    comment = make_comment(make_checker(circulation, "Dana Price", "dana@police.example"), 1, "Sent, not answered.")
    make_comment(make_checker(circulation, "Sam Osei", "sam@school.example", responded=False), 2, "Not sent.")
    assert list(signoff.answers_not_in(version)) == []
    responses.answer_comment(comment, response="not_accepted", text="The record says otherwise.", by=reviewer)

    assert list(signoff.answers_not_in(version)) == []
    assert record(review, version, business_manager).answers_reason == ""


# Item 4: publication waits for the review's events and checks -------------------------------------


@pytest.fixture
def signed_off(review, business_manager):
    version = make_version(review)
    make_circulation(version)
    record(review, version, business_manager)
    # The final report went out long enough ago: only the rules tested here stand in the way.
    record_timeline(
        review=review,
        data={"final_report_sent_on": timezone.localdate() - timedelta(days=21)},
        recorded_by=business_manager,
    )
    review.refresh_from_db()
    return review


def test_the_page_refuses_to_publish_before_the_event_and_names_it(bm_client, signed_off):
    review = signed_off
    make_event(
        review,
        title="Second learning event",
        starts_at=timezone.now() + timedelta(days=5),
        ends_at=timezone.now() + timedelta(days=5, hours=3),
        status=Event.Status.INVITATIONS_SENT,
    )
    entries = AuditEntry.objects.count()

    page = bm_client.get(publication_url(review)).content.decode()
    assert "The report cannot be published yet." in page
    assert "“Second learning event”" in page and "is still to come" in page
    assert 'value="publish"' not in page

    response = bm_client.post(publication_url(review), {"action": "publish"}, follow=True)

    assert "The report cannot be published yet. The practitioner event “Second learning event”" in (
        response.content.decode()
    )
    assert not Publication.objects.exists()
    review.refresh_from_db()
    assert review.status == Review.Status.SIGNED_OFF
    assert AuditEntry.objects.count() == entries


def test_publication_blockers_name_every_event_not_held_and_every_open_check(business_manager, signed_off):
    review = signed_off
    now = timezone.now()
    make_event(
        review,
        title="Cancelled",
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=1),
        status=Event.Status.CANCELLED,
    )
    make_event(
        review,
        title="Held",
        starts_at=now - timedelta(days=9),
        ends_at=now - timedelta(days=9, hours=-1),
        status=Event.Status.HELD,
    )
    assert signoff.publication_blockers(review) == []

    make_event(
        review,
        title="Past, not marked held",
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=2, hours=-1),
        status=Event.Status.INVITATIONS_SENT,
    )
    make_event(
        review, title="Draft to come", starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=1)
    )
    review.circulations.update(closed_at=None)

    blockers = signoff.publication_blockers(review)

    assert len(blockers) == 3
    assert blockers[0].startswith("The practitioner event “Past, not marked held”")
    assert blockers[0].endswith("is not recorded as held. Record who attended, or cancel it, first.")
    assert blockers[1].startswith("The practitioner event “Draft to come”")
    assert "is still to come" in blockers[1]
    assert blockers[2] == "The factual-accuracy check of version 1 is still open."
    with pytest.raises(DomainError, match="cannot be published yet"):
        signoff.publish(review, by=business_manager)
    assert not Publication.objects.exists()


def test_holding_back_is_allowed_while_publication_waits(business_manager, signed_off):
    now = timezone.now()
    make_event(signed_off, starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=1))

    publication = signoff.hold_publication(signed_off, reason="Until the event.", by=business_manager)

    assert publication.state == Publication.State.HELD


def test_once_the_event_is_held_the_report_is_published(business_manager, signed_off):
    now = timezone.now()
    event = make_event(signed_off, starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=1))
    with pytest.raises(DomainError):
        signoff.publish(signed_off, by=business_manager)

    Event.objects.filter(pk=event.pk).update(status=Event.Status.HELD)

    assert signoff.publish(signed_off, by=business_manager).state == Publication.State.PUBLISHED
