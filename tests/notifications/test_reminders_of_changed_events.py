"""Reminders about a cancelled or moved event never reach the SMTP server: real workers, Redis and SMTP.

The reminders are written while no worker is running, so they wait in the outbox and the broker as
they would behind a busy worker; then the event changes, and only then does a worker start.
"""

import os
import time
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from core.formatting import weekday_day_month
from events import invitations, reminders, services
from events.models import Invitation
from notifications import tasks
from notifications.models import OutboundMessage
from practitioners.models import Agency
from tests.events.conftest import invite, make_event, make_practitioners

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis for a real Celery worker: set REDIS_URL"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: a worker process cannot share the test run's SQLite database",
    ),
    pytest.mark.django_db(transaction=True),
]

LONDON = ZoneInfo("Europe/London")
INVITEES = 4
TIMEOUT = 30


@pytest.fixture
def event(review, partnership):
    """An event five days away whose replies are due today, four invitees invited, two of them attending.

    Today the sweep writes a reply reminder for each of the two who have not replied and a
    "seven days before" reminder for each of the two attending.
    """
    starts_at = (timezone.localtime(timezone.now(), LONDON) + timedelta(days=5)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    event = make_event(
        review,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        rsvp_deadline=timezone.localdate(),
    )
    agency = Agency.objects.create(partnership=partnership, name="Northvale Police", agency_type=Agency.Type.POLICE)
    for practitioner in make_practitioners(partnership, agency, INVITEES):
        invite(event, practitioner)
    invitations.send_invitations(event, sent_by=None)
    attending = event.invitations.order_by("pk").values_list("pk", flat=True)[:2]
    Invitation.objects.filter(pk__in=list(attending)).update(status=Invitation.Status.ACCEPTED)
    return event


def emails(event):
    return OutboundMessage.objects.about(Invitation, event.invitations.values("pk"))


def wait_until_settled(event):
    deadline = time.monotonic() + TIMEOUT
    while emails(event).filter(state__in=["queued", "sending"]).exists():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for the outbox: {Counter(emails(event).values_list('state', flat=True))}")
        time.sleep(0.05)


def wait_until_broker_idle(broker):
    deadline = time.monotonic() + TIMEOUT
    while broker.llen("celery") or broker.hlen("unacked"):
        if time.monotonic() > deadline:
            pytest.fail("Timed out waiting for the broker to drain")
        time.sleep(0.05)


def received(smtp_server):
    """(recipient, subject, plain text) of everything the SMTP server accepted."""
    result = []
    for recipient, message in smtp_server.handler.accepted:
        text = next(part for part in message.walk() if part.get_content_type() == "text/plain").get_content()
        result.append((recipient, str(message["Subject"]), text))
    return result


def reminder_rows(event):
    return emails(event).filter(kind__in=[reminders.RSVP_REMINDER, reminders.EVENT_REMINDER])


def test_reminders_queued_before_a_cancellation_are_withdrawn_and_never_sent(
    start_worker, smtp_server, broker, event, business_manager
):
    assert reminders.run() == {"rsvp": 2, "event": 2}
    assert reminder_rows(event).filter(state="queued").count() == 4

    services.cancel_event(event, reason="The venue is closed.", cancelled_by=business_manager)
    start_worker("solo")
    wait_until_settled(event)
    wait_until_broker_idle(broker)

    assert list(reminder_rows(event).values_list("state", "last_error")) == [("withdrawn", reminders.CANCELLED)] * 4
    subjects = Counter(subject.split(":")[0] for _, subject, _ in received(smtp_server))
    assert not any(subject.startswith("Reminder") for _, subject, _ in received(smtp_server)), subjects
    assert Counter(emails(event).values_list("kind", "state")) == {
        ("invitation", "sent"): INVITEES,
        ("event_cancelled", "sent"): INVITEES,
        ("rsvp_reminder", "withdrawn"): 2,
        ("event_reminder", "withdrawn"): 2,
    }
    assert len(smtp_server.handler.accepted) == 2 * INVITEES
    # The next sweep writes nothing for a cancelled event.
    assert reminders.run() == {"rsvp": 0, "event": 0}


def test_after_a_move_no_reminder_names_the_old_date(start_worker, smtp_server, broker, event, business_manager):
    old_day = weekday_day_month(event.starts_at)
    reminders.run()
    new_start = event.starts_at + timedelta(days=1)
    new_day = weekday_day_month(new_start)

    services.update_event(
        event, details={"starts_at": new_start, "ends_at": new_start + timedelta(hours=3)}, updated_by=business_manager
    )
    assert list(reminder_rows(event).values_list("state", "last_error")) == [("withdrawn", reminders.MOVED)] * 4
    # The sweep writes them again, naming the new date; a worker then sends everything waiting.
    assert reminders.run() == {"rsvp": 2, "event": 2}
    start_worker("solo")
    wait_until_settled(event)
    wait_until_broker_idle(broker)

    sent_reminders = [(subject, text) for _, subject, text in received(smtp_server) if subject.startswith("Reminder")]
    assert len(sent_reminders) == 4
    assert all(old_day not in subject + text for subject, text in sent_reminders)
    assert all(new_day in text for _, text in sent_reminders)
    assert reminder_rows(event).filter(state="sent").count() == 4
    assert reminder_rows(event).filter(state="withdrawn").count() == 4


def test_a_reminder_claimed_before_the_cancellation_is_dropped_when_it_comes_to_be_sent(
    start_worker, smtp_server, broker, event, business_manager
):
    reminders.run()
    claimed = reminder_rows(event).filter(kind=reminders.EVENT_REMINDER).first()
    # A worker claimed it and stalled before sending; the cancellation leaves it to that claim.
    stalled_at = timezone.now() - timedelta(minutes=2)
    OutboundMessage.objects.filter(pk=claimed.pk).update(
        state="sending",
        claimed_at=stalled_at,
        claimed_by="a worker that died",
        lease_expires_at=stalled_at + timedelta(seconds=30),
        attempts=1,
    )

    services.cancel_event(event, reason="The venue is closed.", cancelled_by=business_manager)
    claimed.refresh_from_db()
    assert claimed.state == "sending"
    start_worker("solo")
    tasks.sweep_outbox.delay()  # the beat hands the stalled claim to a live worker
    wait_until_settled(event)
    wait_until_broker_idle(broker)

    claimed.refresh_from_db()
    assert (claimed.state, claimed.last_error, claimed.sent_at) == ("withdrawn", reminders.CANCELLED, None)
    assert not any(subject.startswith("Reminder") for _, subject, _ in received(smtp_server))
    assert reminder_rows(event).exclude(state="withdrawn").count() == 0
