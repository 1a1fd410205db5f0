"""The reminder sweep: from the database, in working days, each reminder once, and never where it should not."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from core import links
from core.workdays import subtract_working_days
from events import invitations
from events import reminders as invitee_reminders
from events.models import Event, Invitation
from notifications.models import OutboundMessage
from practitioners import nominations
from practitioners.models import Agency, NominationRequest
from tests.events.conftest import invite, make_event, make_practitioners

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


class reminders:
    """Every sweep these tests cover, as the beat runs them: the invitees' and the agencies'."""

    @staticmethod
    def run():
        invitee_reminders.run()
        nominations.run_reminders()


def kinds():
    return sorted(OutboundMessage.objects.exclude(kind="invitation").values_list("kind", flat=True))


def test_working_days_skip_weekends_and_englands_bank_holidays():
    # Christmas 2026: Friday 25th and Monday 28th (for Boxing Day on a Saturday) are bank holidays.
    assert subtract_working_days(date(2026, 12, 29), 2) == date(2026, 12, 23)
    assert subtract_working_days(date(2026, 11, 23), 1) == date(2026, 11, 20)


@pytest.fixture
def christmas_event(review, partnership):
    """Replies due Tuesday 29 December 2026; the event on Friday 8 January 2027."""
    agency = Agency.objects.create(partnership=partnership, name="Northvale Police")
    event = make_event(
        review,
        starts_at=at("2027-01-08T10:00"),
        ends_at=at("2027-01-08T13:00"),
        rsvp_deadline=date(2026, 12, 29),
    )
    people = make_practitioners(partnership, agency, 4)
    for person in people:
        invite(event, person)
    with time_machine.travel(at("2026-12-01T09:00"), tick=False):
        invitations.send_invitations(event, sent_by=None)
    return event


def test_reply_reminder_comes_two_working_days_before_across_a_bank_holiday(christmas_event):
    with time_machine.travel(at("2026-12-22T09:00"), tick=False):
        reminders.run()
    assert kinds() == []
    with time_machine.travel(at("2026-12-23T09:00"), tick=False):
        reminders.run()
        reminders.run()
    assert kinds() == ["rsvp_reminder"] * 4
    with time_machine.travel(at("2026-12-29T16:00"), tick=False):
        reminders.run()
    assert kinds() == ["rsvp_reminder"] * 4, "each reminder is sent once"


def test_no_reply_reminder_for_those_who_replied_were_revoked_or_whose_event_is_cancelled(christmas_event):
    accepted, declined, revoked, waiting = christmas_event.invitations.order_by("pk")
    Invitation.objects.filter(pk=accepted.pk).update(status=Invitation.Status.ACCEPTED)
    Invitation.objects.filter(pk=declined.pk).update(status=Invitation.Status.DECLINED)
    Invitation.objects.filter(pk=revoked.pk).update(token_revoked_at=timezone.now())
    with time_machine.travel(at("2026-12-24T09:00"), tick=False):
        reminders.run()
    assert list(OutboundMessage.objects.filter(kind="rsvp_reminder").values_list("about_id", flat=True)) == [waiting.pk]
    Event.objects.filter(pk=christmas_event.pk).update(status=Event.Status.CANCELLED)
    OutboundMessage.objects.filter(kind="rsvp_reminder").delete()
    with time_machine.travel(at("2026-12-24T10:00"), tick=False):
        reminders.run()
    assert kinds() == []


def test_attendees_are_reminded_seven_days_and_one_day_before(christmas_event):
    Invitation.objects.filter(event=christmas_event).update(status=Invitation.Status.ACCEPTED)
    day = at("2026-12-30T09:00")
    sent_by_day = {}
    while day < christmas_event.starts_at:
        with time_machine.travel(day, tick=False):
            reminders.run()
        sent_by_day[day.date()] = OutboundMessage.objects.filter(kind="event_reminder").count()
        day += timedelta(days=1)
    assert sent_by_day[date(2026, 12, 31)] == 0
    assert sent_by_day[date(2027, 1, 1)] == 4  # seven days before
    assert sent_by_day[date(2027, 1, 6)] == 4
    assert sent_by_day[date(2027, 1, 7)] == 8  # one day before
    assert sent_by_day[date(2027, 1, 8)] == 8
    message = OutboundMessage.objects.filter(kind="event_reminder").first()
    assert "Child" in message.subject and "Amelia" not in message.body_text
    assert message.attachments[0]["type"] == "calendar"


def test_no_event_reminder_for_a_cancelled_event_or_a_declined_invitee(christmas_event):
    first, second, *_ = christmas_event.invitations.order_by("pk")
    Invitation.objects.filter(pk=first.pk).update(status=Invitation.Status.DECLINED)
    Invitation.objects.filter(pk=second.pk).update(status=Invitation.Status.ACCEPTED)
    with time_machine.travel(at("2027-01-07T09:00"), tick=False):
        reminders.run()
    assert list(OutboundMessage.objects.filter(kind="event_reminder").values_list("about_id", flat=True)) == [second.pk]
    OutboundMessage.objects.filter(kind="event_reminder").delete()
    Event.objects.filter(pk=christmas_event.pk).update(status=Event.Status.CANCELLED)
    with time_machine.travel(at("2027-01-07T10:00"), tick=False):
        reminders.run()
    assert not OutboundMessage.objects.filter(kind="event_reminder").exists()


def test_agencies_that_named_nobody_are_reminded_once_with_a_new_link(review, partnership):
    quiet = Agency.objects.create(partnership=partnership, name="Quiet Agency", lead_email="lead@quiet.example")
    busy = Agency.objects.create(partnership=partnership, name="Busy Agency", lead_email="lead@busy.example")
    requests = {}
    for agency in (quiet, busy):
        requests[agency] = NominationRequest.objects.create(
            review=review,
            agency=agency,
            token_hash=links.new_token()[1],
            token_expires_at=at("2027-03-01T00:00"),
            deadline=date(2026, 12, 29),
        )
    requests[busy].nominations.create(full_name="Someone", job_title="Nurse", email="someone@busy.example")
    old_hash = requests[quiet].token_hash
    with time_machine.travel(at("2026-12-23T09:00"), tick=False):
        reminders.run()
        reminders.run()
    reminders_sent = OutboundMessage.objects.filter(kind="nomination_chase")
    assert [m.recipient for m in reminders_sent] == ["lead@quiet.example"]
    requests[quiet].refresh_from_db()
    assert requests[quiet].token_hash != old_hash
