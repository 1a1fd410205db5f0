"""Sending invitations: one per invitee through the outbox, with a calendar file and the factsheet."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from core import links
from core.models import AuditEntry
from events import invitations
from events.models import Event, Invitation
from notifications.models import OutboundMessage
from practitioners.models import Agency, Practitioner
from tests.events.conftest import REAL_NAME, invite, make_event, make_practitioners

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(event, partnership, agency, frozen, django_capture_on_commit_callbacks):
    for person in make_practitioners(partnership, agency, 3):
        invite(event, person)
    with django_capture_on_commit_callbacks(execute=True):
        sent, _skipped = invitations.send_invitations(event, sent_by=None)
    return sent


def calendar_of(message):
    parts = [a for a in message.attachments if hasattr(a, "get_content_type")]
    parts = [a for a in parts if a.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return Calendar.from_ical(parts[0].get_payload(decode=True))


def test_each_invitee_gets_one_invitation_with_calendar_and_factsheet(invited, event, mailoutbox):
    assert len(mailoutbox) == 3
    assert sorted(m.to[0] for m in mailoutbox) == [p.practitioner.email for p in invited]
    event.refresh_from_db()
    assert event.status == Event.Status.INVITATIONS_SENT
    for message in mailoutbox:
        body = message.body + message.alternatives[0][0] + message.subject
        assert "CSPR 2026/01" in message.subject and "Child A" in message.subject
        for part in REAL_NAME.replace("-", " ").split():
            if len(part) > 2:
                assert part not in body
        calendar = calendar_of(message)
        assert calendar["METHOD"] == "REQUEST"
        vevent = calendar.walk("VEVENT")[0]
        assert str(vevent["UID"]) == f"{event.uid}@convene"
        assert vevent["SEQUENCE"] == 0
        assert str(vevent["DTSTART"].params["TZID"]) == "Europe/London"
        assert "Child A" in str(vevent["SUMMARY"]) and "Amelia" not in calendar.to_ical().decode()
        pdfs = [a for a in message.attachments if not hasattr(a, "get_content_type")]
        assert [(mimetype, content[:4]) for _, content, mimetype in pdfs] == [("application/pdf", b"%PDF")]
    assert OutboundMessage.objects.filter(state="sent", kind="invitation").count() == 3
    assert AuditEntry.objects.get(action="invitations.sent").detail["count"] == 3


def test_the_link_in_the_email_is_stored_only_as_a_hash(invited, mailoutbox):
    token = re.search(r"/invitation/([^/\s]+)/", mailoutbox[0].body).group(1)
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert links.lookup(invitations.INVITATION_LINK, token) is not None
    assert token not in str(list(AuditEntry.objects.values_list("detail", flat=True)))


def test_pressing_send_again_invites_only_people_added_since(
    invited, event, partnership, agency, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent, _ = invitations.send_invitations(event, sent_by=None)
    assert sent == [] and len(mailoutbox) == 3
    newcomer = make_practitioners(partnership, agency, 1, start=50)[0]
    invite(event, newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        sent, _ = invitations.send_invitations(event, sent_by=None)
    assert [i.practitioner for i in sent] == [newcomer]
    assert len(mailoutbox) == 4


def test_an_invitee_without_email_is_named_and_blocks_nobody(
    bm_client, event, partnership, agency, frozen, django_capture_on_commit_callbacks, mailoutbox
):
    nobody = Practitioner.objects.create(partnership=partnership, full_name="No Email", job_title="GP", agency=agency)
    invite(event, nobody)
    invite(event, make_practitioners(partnership, agency, 1)[0])
    with django_capture_on_commit_callbacks(execute=True):
        response = bm_client.post(reverse("events:event_send", args=[partnership.slug, event.pk]), follow=True)
    page = response.content.decode()
    assert "no email address for them: No Email" in page
    assert len(mailoutbox) == 1
    assert Invitation.objects.get(practitioner=nobody).status == Invitation.Status.NOT_SENT


def test_a_cancelled_or_past_event_sends_nothing(event, partnership, agency, frozen, mailoutbox):
    invite(event, make_practitioners(partnership, agency, 1)[0])
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    with pytest.raises(invitations.EventError):
        invitations.send_invitations(Event.objects.get(pk=event.pk), sent_by=None)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    frozen.move_to("2026-12-09 10:00")
    with pytest.raises(invitations.EventError, match="already started"):
        invitations.send_invitations(Event.objects.get(pk=event.pk), sent_by=None)
    assert not OutboundMessage.objects.exists()


def test_reviewer_and_outsider_cannot_send(client, event, partnership, reviewer, outsider):
    url = reverse("events:event_send", args=[partnership.slug, event.pk])
    client.force_login(reviewer)
    assert client.post(url).status_code == 403
    client.force_login(outsider)
    assert client.post(url).status_code == 404


def test_rescheduling_sends_an_updated_calendar_entry(
    invited, event, bm_client, partnership, mailoutbox, django_capture_on_commit_callbacks
):
    from events.services import update_event

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        update_event(event, details={"venue_name": "Eastgate Library"}, updated_by=None)
    assert len(mailoutbox) == 3
    message = mailoutbox[0]
    assert message.subject.startswith("Changed:")
    assert "the venue" in message.body
    vevent = calendar_of(message).walk("VEVENT")[0]
    assert vevent["SEQUENCE"] == 1
    assert "Eastgate Library" in str(vevent["LOCATION"])


def test_cancelling_sends_a_calendar_cancellation_and_closes_links(
    invited, event, mailoutbox, django_capture_on_commit_callbacks
):
    from events.services import cancel_event

    token = re.search(r"/invitation/([^/\s]+)/", mailoutbox[0].body).group(1)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel_event(event, reason="The reviewer is unwell.", cancelled_by=None)
    assert len(mailoutbox) == 3
    calendar = calendar_of(mailoutbox[0])
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.walk("VEVENT")[0]["SEQUENCE"] == 1
    assert links.lookup(invitations.INVITATION_LINK, token) is None


def test_event_page_shows_each_invitees_email_state(invited, event, bm_client, partnership):
    OutboundMessage.objects.filter(recipient=invited[0].practitioner.email).update(
        state="failed", last_error="SMTPRecipientsRefused: 550 no such user"
    )
    page = bm_client.get(reverse("events:event_detail", args=[partnership.slug, event.pk])).content.decode()
    assert "550 no such user" in page
    assert "Try again" in page
    response = bm_client.get(reverse("events:event_sending", args=[partnership.slug, event.pk]))
    progress = response.content.decode()
    assert "All 2 invitations sent" in progress and "1 failed" in progress
    assert response["HX-Refresh"] == "true"


def test_replies_export_guards_against_formulas(invited, event, bm_client, partnership):
    Invitation.objects.filter(pk=invited[0].pk).update(status="accepted", access_needs="=HYPERLINK(x)")
    response = bm_client.get(reverse("events:event_replies_csv", args=[partnership.slug, event.pk]))
    text = response.content.decode()
    assert "'=HYPERLINK(x)" in text
    assert Client().get(reverse("events:event_replies_csv", args=[partnership.slug, event.pk])).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_two_identical_replies_at_once_are_recorded_once(partnership, review, business_manager, frozen):
    """Replies are serialised on the invitation: the second finds nothing to change."""
    agency = Agency.objects.create(partnership=partnership, name="Northvale Police")
    event = make_event(review)
    invite(event, make_practitioners(partnership, agency, 1)[0])
    invitations.send_invitations(event, sent_by=business_manager)
    invitation = Invitation.objects.get()
    barrier = threading.Barrier(2)

    def answer():
        try:
            barrier.wait()
            invitations.record_rsvp(Invitation.objects.get(pk=invitation.pk), attending=True)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert AuditEntry.objects.filter(action="rsvp.recorded").count() == 1
    assert OutboundMessage.objects.filter(kind="rsvp_confirmation").count() == 1
