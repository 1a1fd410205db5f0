"""Access needs: the partnership's closing date for requests (said on the reply form), each need marked arranged with
a note (the practitioner told by email), and the business manager's daily digest of replies."""

import re
from datetime import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry, Membership
from events import access_needs, digest, invitations
from events.models import Invitation, ReplyDigest, ReplyDigestItem
from notifications.models import OutboundMessage
from tests.conftest import make_staff
from tests.events.conftest import LONDON, invite, make_event, make_practitioners

pytestmark = pytest.mark.django_db

# The event is on Tuesday 8 December 2026; 5 working days before it is Tuesday 1 December.
BEFORE_CLOSE = datetime(2026, 11, 20, 9, 0, tzinfo=LONDON)
ON_CLOSING_DAY = datetime(2026, 12, 1, 18, 0, tzinfo=LONDON)
AFTER_CLOSE = datetime(2026, 12, 2, 9, 0, tzinfo=LONDON)


@pytest.fixture
def invitation(event, partnership, agency):
    event.rsvp_deadline = datetime(2026, 12, 4).date()
    event.save()
    return invite(event, make_practitioners(partnership, agency, 1)[0], Invitation.Status.INVITED)


def open_link(invitation):
    """A browser holding the invitee's personal link, opened now."""
    token = invitations.rotate_link(invitation)
    browser = Client()
    assert browser.post(reverse("invitation:start", args=[token])).status_code == 302
    return browser


def reply(browser, **data):
    return browser.post(reverse("invitation:page"), {"attending": "yes", "line_manager_attending": "no"} | data)


def page_of(browser):
    return browser.get(reverse("invitation:page")).content.decode()


def test_the_closing_date_counts_working_days_back_from_the_event(event, partnership):
    assert access_needs.access_needs_close_on(event).isoformat() == "2026-12-01"
    partnership.access_needs_close_working_days = 0
    partnership.save()
    event.review.partnership.refresh_from_db()
    assert access_needs.access_needs_close_on(event).isoformat() == "2026-12-08"


def test_the_reply_form_says_by_when(invitation):
    with time_machine.travel(ON_CLOSING_DAY, tick=False):
        practitioner_browser = open_link(invitation)
        page = page_of(practitioner_browser)
        assert "Tell us by 1 December 2026 so that we can arrange it" in page
        assert reply(practitioner_browser, access_needs="A hearing loop").status_code == 302
    assert Invitation.objects.get().access_needs == "A hearing loop"


def test_after_the_closing_date_the_question_says_whom_to_contact_and_keeps_what_was_given(invitation):
    with time_machine.travel(BEFORE_CLOSE, tick=False):
        reply(open_link(invitation), access_needs="A hearing loop")
    with time_machine.travel(AFTER_CLOSE, tick=False):
        practitioner_browser = open_link(invitation)
        page = page_of(practitioner_browser)
        assert (
            "Requests for adjustments closed on 1 December 2026. If you need something now, contact Priya Shah at "
            "partnership@northvale.example or on 01632 960 101." in page
        )
        assert re.search(r'<textarea[^>]*id="id_access_needs"[^>]*disabled', page)
        # A posted change to the needs is not taken; the rest of the reply still is.
        reply(practitioner_browser, access_needs="Something else entirely", line_manager_attending="yes")
    invitation = Invitation.objects.get()
    assert invitation.access_needs == "A hearing loop"
    assert invitation.line_manager_attending is True


def test_the_service_refuses_new_needs_after_the_closing_date_and_names_whom_to_contact(invitation):
    with time_machine.travel(AFTER_CLOSE, tick=False), pytest.raises(invitations.EventError) as refused:
        invitations.record_rsvp(invitation, attending=True, access_needs="A quiet room")
    assert refused.value.field == "access_needs"
    assert "Requests for adjustments closed on Tuesday 1 December 2026" in str(refused.value)
    assert "Contact Priya Shah at partnership@northvale.example" in str(refused.value)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.INVITED and invitation.access_needs == ""


def test_the_partnership_sets_the_number_of_working_days(bm_client, partnership):
    url = reverse("partnerships:partnership_edit", args=[partnership.slug])
    page = bm_client.get(url).content.decode()
    assert "Requests for adjustments close this many working days before the event" in page
    data = {
        "contact_name": partnership.contact_name,
        "contact_email": partnership.contact_email,
        "contact_phone": partnership.contact_phone,
        "rsvp_reminder_working_days": "2",
        "event_reminder_days": "7, 1",
        "nomination_reminder_working_days": "2",
        "link_follow_up_days": "90",
    }
    refused = bm_client.post(url, data | {"access_needs_close_working_days": "61"})
    assert refused.status_code == 200
    assert "Enter 60 working days or fewer" in refused.content.decode()
    partnership.refresh_from_db()
    assert partnership.access_needs_close_working_days == 5
    assert bm_client.post(url, data | {"access_needs_close_working_days": "10"}).status_code == 302
    partnership.refresh_from_db()
    assert partnership.access_needs_close_working_days == 10
    assert "access_needs_close_working_days" in AuditEntry.objects.get(action="partnership.updated").detail["fields"]


# Marking a need arranged ----------------------------------------------------------------------------------------


def attending_with_needs(invitation, needs="I use a wheelchair."):
    with time_machine.travel(BEFORE_CLOSE, tick=False):
        return invitations.record_rsvp(invitation, attending=True, access_needs=needs)


def arranged_url(invitation):
    event = invitation.event
    return reverse("events:access_needs_arranged", args=[event.review.partnership.slug, event.pk, invitation.pk])


def test_a_need_is_marked_arranged_with_a_note_and_the_practitioner_is_told(
    bm_client, invitation, business_manager, django_capture_on_commit_callbacks, mailoutbox
):
    attending_with_needs(invitation)
    page = bm_client.get(reverse("events:event_detail", args=["northvale", invitation.event_id])).content.decode()
    assert "Not arranged yet" in page and "Mark as arranged" in page
    assert bm_client.get(arranged_url(invitation)).status_code == 200
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = bm_client.post(arranged_url(invitation), {"note": "A ramp at the side entrance."}, follow=True)
    invitation.refresh_from_db()
    assert invitation.access_needs_arranged_at is not None
    assert invitation.access_needs_arranged_by == business_manager
    assert invitation.access_needs_arranged_note == "A ramp at the side entrance."
    assert AuditEntry.objects.filter(action="access_needs.arranged").count() == 1
    # The batch sends whatever else is due too (the reply's confirmation, queued earlier in this test).
    (email,) = [email for email in mailoutbox if email.subject.startswith("What you need is arranged")]
    assert email.to == [invitation.practitioner.email]
    assert email.subject.startswith("What you need is arranged: practitioner event for review CSPR 2026/01")
    assert "What we have arranged: A ramp at the side entrance." in email.body
    assert OutboundMessage.objects.get(kind="access_needs_arranged").about_id == invitation.pk
    page = response.content.decode()
    assert "Arranged" in page and "A ramp at the side entrance." in page


def test_a_note_naming_the_child_is_refused_and_nothing_changes(bm_client, invitation):
    attending_with_needs(invitation)
    response = bm_client.post(arranged_url(invitation), {"note": "Amelia's room is booked."})
    assert response.status_code == 200
    assert "must not contain the real name of the child or adult" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.access_needs_arranged_at is None
    assert not OutboundMessage.objects.filter(kind="access_needs_arranged").exists()


def test_nothing_to_arrange_is_refused_by_name(bm_client, invitation):
    response = bm_client.post(arranged_url(invitation), {"note": ""}, follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any("is not attending with access needs, so there is nothing to mark as arranged" in m for m in messages)
    assert not AuditEntry.objects.filter(action="access_needs.arranged").exists()


def test_changed_needs_need_arranging_again(bm_client, invitation):
    attending_with_needs(invitation)
    bm_client.post(arranged_url(invitation), {"note": ""})
    attending_with_needs(Invitation.objects.get(pk=invitation.pk), "A quiet room as well.")
    invitation.refresh_from_db()
    assert invitation.access_needs_arranged_at is None and invitation.access_needs_arranged_note == ""


def test_a_reviewer_and_another_partnership_are_refused(client, reviewer, outsider, invitation):
    attending_with_needs(invitation)
    client.force_login(reviewer)
    assert client.post(arranged_url(invitation), {"note": ""}).status_code == 403
    client.force_login(outsider)
    assert client.post(arranged_url(invitation), {"note": ""}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.access_needs_arranged_at is None


# The daily digest -------------------------------------------------------------------------------------------------


def digests_sent():
    return list(OutboundMessage.objects.filter(kind="reply_digest").order_by("pk"))


def test_the_digest_lists_new_needs_declines_and_missing_replies_once(
    event, partnership, agency, business_manager, reviewer
):
    second_manager = make_staff("deputy@northvale.example", "Dee Jones", partnership, Membership.Role.BUSINESS_MANAGER)
    event.rsvp_deadline = datetime(2026, 12, 4).date()
    event.save()
    earlier = make_event(event.review, title="An earlier event", rsvp_deadline=datetime(2026, 11, 24).date())
    people = make_practitioners(partnership, agency, 3)
    needs, declines = (invite(event, person, Invitation.Status.INVITED) for person in people[:2])
    invite(earlier, people[2], Invitation.Status.INVITED)
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=LONDON), tick=False):
        invitations.record_rsvp(needs, attending=True, access_needs="A hearing loop")
        invitations.record_rsvp(
            declines, attending=False, decline_reason="On leave.", suggested_colleague_name="Ella Wright"
        )
    # The earlier event's reply-by date (24 November) has passed for the third.
    with time_machine.travel(datetime(2026, 11, 25, 7, 30, tzinfo=LONDON), tick=False):
        assert digest.run() == 1
    sent = digests_sent()
    assert sorted(message.recipient for message in sent) == sorted([business_manager.email, second_manager.email])
    message = sent[0]
    assert (
        message.subject == "Replies to practitioner events: 1 new access need, 1 decline and 1 person without a reply"
    )
    text = message.body_text
    assert "New access needs:\n- Person 0000, Northvale Police" in text
    assert "Cannot attend:\n- Person 0001, Northvale Police (suggested a colleague)" in text
    assert "No reply by the reply-by date, 24 November 2026:\n- Person 0002, Northvale Police" in text
    # What the invitees wrote stays on the event page.
    assert "hearing loop" not in text and "On leave" not in text and "hearing loop" not in message.body_html
    assert f"/p/northvale/events/{event.pk}/" in text and f"/p/northvale/events/{earlier.pk}/" in text
    assert ReplyDigestItem.objects.count() == 3

    # The next day: nothing new, nothing sent.
    with time_machine.travel(datetime(2026, 11, 26, 7, 30, tzinfo=LONDON), tick=False):
        assert digest.run() == 0
    assert len(digests_sent()) == 2

    # A changed need is new; the decline and the missing reply are not reported again.
    with time_machine.travel(datetime(2026, 11, 26, 12, 0, tzinfo=LONDON), tick=False):
        invitations.record_rsvp(
            Invitation.objects.get(pk=needs.pk), attending=True, access_needs="A hearing loop and a quiet room"
        )
    with time_machine.travel(datetime(2026, 11, 27, 7, 30, tzinfo=LONDON), tick=False):
        assert digest.run() == 1
    latest = digests_sent()[-1]
    assert latest.subject == "Replies to practitioner events: 1 new access need"
    assert "Cannot attend" not in latest.body_text and "No reply" not in latest.body_text


def test_one_digest_a_day_at_most(event, partnership, agency, business_manager):
    first, second = (invite(event, p, Invitation.Status.INVITED) for p in make_practitioners(partnership, agency, 2))
    with time_machine.travel(datetime(2026, 11, 20, 7, 0, tzinfo=LONDON), tick=False):
        invitations.record_rsvp(first, attending=False)
        assert digest.run() == 1
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=LONDON), tick=False):
        invitations.record_rsvp(second, attending=False)
        assert digest.run() == 0
    with time_machine.travel(datetime(2026, 11, 21, 7, 30, tzinfo=LONDON), tick=False):
        assert digest.run() == 1
    assert ReplyDigest.objects.count() == 2
    assert "Person 0001" in digests_sent()[-1].body_text and "Person 0000" not in digests_sent()[-1].body_text


def test_nothing_is_sent_when_there_is_nothing(event, partnership, agency, business_manager):
    invite(event, make_practitioners(partnership, agency, 1)[0], Invitation.Status.INVITED)
    with time_machine.travel(datetime(2026, 11, 20, 7, 30, tzinfo=LONDON), tick=False):
        assert digest.run() == 0
    assert not digests_sent() and not ReplyDigest.objects.exists()


def test_cancelled_and_past_events_are_left_out(review, partnership, agency, business_manager):
    cancelled = make_event(review, title="Cancelled")
    person = make_practitioners(partnership, agency, 1)[0]
    invitation = invite(cancelled, person, Invitation.Status.INVITED)
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=LONDON), tick=False):
        invitations.record_rsvp(invitation, attending=False)
    cancelled.status = cancelled.Status.CANCELLED
    cancelled.save()
    with time_machine.travel(datetime(2026, 11, 21, 7, 30, tzinfo=LONDON), tick=False):
        assert digest.run() == 0
    assert not digests_sent()


def test_the_beat_runs_the_digest_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-reply-digests"]
    assert entry["task"] == "events.tasks.send_reply_digests"
