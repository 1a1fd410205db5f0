"""Reminders about an event that was cancelled or moved are withdrawn, not sent, and the history says why."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditEntry
from events import invitations, reminders, services, witnesses
from events.models import Invitation, PossibleWitness
from notifications import services as outbox
from notifications.models import OutboundMessage
from tests.events.conftest import LONDON, NOW, invite, make_practitioners

pytestmark = pytest.mark.django_db

# Two working days before the reply-by date (Tuesday 24 November): reply reminders are due.
REMINDER_DAY = datetime(2026, 11, 20, 9, 0, tzinfo=LONDON)


@pytest.fixture
def invited(event, partnership, agency):
    """The event (Tuesday 8 December, replies by 24 November) with three invitees, invited on 2 November."""
    for person in make_practitioners(partnership, agency, 3):
        invite(event, person)
    with time_machine.travel(NOW, tick=False):
        invitations.send_invitations(event, sent_by=None)
    return event


@pytest.fixture
def queued_reminders(invited):
    """The reply reminders the sweep wrote on 20 November, still waiting for a worker."""
    with time_machine.travel(REMINDER_DAY, tick=False):
        reminders.run()
    found = OutboundMessage.objects.filter(kind="rsvp_reminder")
    assert list(found.values_list("state", flat=True)) == ["queued"] * 3
    return list(found)


def reminder_states():
    return sorted(OutboundMessage.objects.filter(kind="rsvp_reminder").values_list("state", "last_error"))


def test_cancelling_withdraws_the_queued_reminders_in_the_same_transaction(queued_reminders, invited, business_manager):
    with time_machine.travel(REMINDER_DAY + timedelta(hours=1), tick=False):
        services.cancel_event(invited, reason="The venue is closed.", cancelled_by=business_manager)
        reminders.run()

    assert reminder_states() == [("withdrawn", reminders.CANCELLED)] * 3
    assert AuditEntry.objects.get(action="event.cancelled").detail["reminders_withdrawn"] == 3
    # The cancellation itself still goes to everyone.
    assert OutboundMessage.objects.filter(kind="event_cancelled", state="queued").count() == 3


def test_a_refused_cancellation_withdraws_nothing(queued_reminders, invited, business_manager):
    with pytest.raises(services.EventError):
        services.cancel_event(invited, reason="  ", cancelled_by=business_manager)

    assert reminder_states() == [("queued", "")] * 3


def test_a_new_reply_by_date_withdraws_the_reminders_naming_the_old_one(queued_reminders, invited, business_manager):
    with time_machine.travel(REMINDER_DAY + timedelta(hours=1), tick=False):
        services.update_event(invited, details={"rsvp_deadline": date(2026, 11, 27)}, updated_by=business_manager)

    assert reminder_states() == [("withdrawn", reminders.REPLY_BY_MOVED)] * 3
    assert AuditEntry.objects.get(action="event.updated").detail["reminders_withdrawn"] == 3
    # Two working days before the new date, the sweep reminds them of it.
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=LONDON), tick=False):
        reminders.run()
    fresh = OutboundMessage.objects.filter(kind="rsvp_reminder", state="queued")
    assert fresh.count() == 3
    assert all("27 November" in message.subject for message in fresh)


def test_a_new_time_on_the_same_day_withdraws_them_and_the_sweep_writes_them_again(
    queued_reminders, invited, business_manager
):
    old_keys = sorted(message.idempotency_key for message in queued_reminders)
    later = {
        "starts_at": datetime(2026, 12, 8, 14, 0, tzinfo=LONDON),
        "ends_at": datetime(2026, 12, 8, 17, 0, tzinfo=LONDON),
    }
    with time_machine.travel(REMINDER_DAY + timedelta(hours=1), tick=False):
        services.update_event(invited, details=later, updated_by=business_manager)
        reminders.run()

    assert reminder_states() == [("queued", "")] * 3 + [("withdrawn", reminders.MOVED)] * 3
    fresh = OutboundMessage.objects.filter(kind="rsvp_reminder", state="queued")
    # The withdrawn reminders gave up their keys, so the new ones (with the new time) took them.
    assert sorted(fresh.values_list("idempotency_key", flat=True)) == old_keys
    assert all("2pm" in message.body_text and "10am" not in message.body_text for message in fresh)


def test_a_reminder_is_checked_again_just_before_it_is_sent(queued_reminders, invited, mailoutbox):
    replied, *waiting = sorted(queued_reminders, key=lambda message: message.about_id)
    Invitation.objects.filter(pk=replied.about_id).update(status=Invitation.Status.DECLINED)

    with time_machine.travel(REMINDER_DAY + timedelta(minutes=5), tick=False):
        for message in queued_reminders:
            outbox.deliver(message.pk)

    assert reminder_states() == [("sent", "")] * 2 + [("withdrawn", reminders.REPLIED)]
    assert sorted(email.to[0] for email in mailoutbox) == sorted(message.recipient for message in waiting)


def test_the_invitees_email_history_shows_the_withdrawn_reminder_and_why(
    queued_reminders, invited, business_manager, bm_client
):
    with time_machine.travel(REMINDER_DAY + timedelta(hours=1), tick=False):
        services.cancel_event(invited, reason="The venue is closed.", cancelled_by=business_manager)
        invitation = Invitation.objects.get(pk=queued_reminders[0].about_id)

        response = bm_client.get(
            reverse("events:invitee_detail", args=[invited.review.partnership.slug, invited.pk, invitation.pk])
        )

    assert response.status_code == 200
    rows = [message for message in response.context["history"] if message.kind == "rsvp_reminder"]
    assert [(message.state, message.last_error) for message in rows] == [("withdrawn", reminders.CANCELLED)]
    page = response.content.decode()
    assert "Withdrawn" in page
    assert "The event was cancelled, so this reminder was not sent." in page


def test_marking_a_possible_witness_withdraws_their_reminders_at_once(queued_reminders, invited, business_manager):
    marked = Invitation.objects.get(pk=queued_reminders[0].about_id)

    witnesses.mark(marked, by=business_manager)

    withdrawn = OutboundMessage.objects.get(pk=queued_reminders[0].pk)
    assert (withdrawn.state, withdrawn.last_error) == ("withdrawn", witnesses.HELD_BACK_REMINDER)
    assert reminder_states().count(("queued", "")) == 2
    entry = AuditEntry.objects.get(action="invitation.witness_marked")
    assert entry.detail["reminders_withdrawn"] == 1


def test_a_reminder_to_a_possible_witness_is_held_back_just_before_it_is_sent(queued_reminders, invited, mailoutbox):
    marked = Invitation.objects.get(pk=queued_reminders[0].about_id)
    # Marked by a path that did not withdraw the reminder: the send check still holds it back.
    PossibleWitness.objects.create(invitation=marked)

    with time_machine.travel(REMINDER_DAY + timedelta(minutes=5), tick=False):
        for message in queued_reminders:
            outbox.deliver(message.pk)

    assert reminder_states() == [("sent", "")] * 2 + [("withdrawn", witnesses.HELD_BACK_REMINDER)]
    assert marked.practitioner.email not in [email.to[0] for email in mailoutbox]


def test_the_sweep_writes_no_reminder_for_a_possible_witness(invited, business_manager):
    marked = invited.invitations.order_by("pk").first()
    witnesses.mark(marked, by=business_manager)

    with time_machine.travel(REMINDER_DAY, tick=False):
        reminders.run()

    written = OutboundMessage.objects.filter(kind="rsvp_reminder")
    assert written.count() == 2 and not written.filter(about_id=marked.pk).exists()
