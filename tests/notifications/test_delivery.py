"""Invitations delivered end to end: PostgreSQL, a Redis broker, real Celery workers and an SMTP server.

Each worker is a separate process on the test database, so these tests commit for real
(transaction=True) and wait for the worker, with the SMTP listener as the witness of what arrived.
"""

import os
import time
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from config.celery import app as celery_app
from events import invitations
from events.models import Invitation
from notifications import services, tasks
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
INVITEES = 10
DELIVERY_TIMEOUT = 30


@pytest.fixture
def event(review, partnership):
    """A draft event a month away with ten invitees on its list, none invited yet."""
    starts_at = (timezone.localtime(timezone.now(), LONDON) + timedelta(days=30)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    event = make_event(
        review,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        rsvp_deadline=(starts_at - timedelta(days=7)).date(),
    )
    agency = Agency.objects.create(partnership=partnership, name="Northvale Police", agency_type=Agency.Type.POLICE)
    for practitioner in make_practitioners(partnership, agency, INVITEES):
        invite(event, practitioner)
    return event


def invitee_emails(event):
    return sorted(event.invitations.values_list("practitioner__email", flat=True))


def wait_for(condition, what, timeout=DELIVERY_TIMEOUT):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def states(event):
    emails = OutboundMessage.objects.about(Invitation, event.invitations.values("pk"))
    return Counter(emails.values_list("state", flat=True))


def wait_until_settled(event, expected=INVITEES):
    """Every row of the event has left queued and sending."""
    wait_for(
        lambda: sum(states(event).values()) == expected and states(event).keys() <= {"sent", "failed"},
        f"{expected} outbox rows to be sent or failed (now {dict(states(event))})",
    )


def wait_until_broker_idle(broker):
    """Nothing waiting in the queue and nothing delivered to a worker but unacknowledged."""
    wait_for(lambda: broker.llen("celery") == 0 and broker.hlen("unacked") == 0, "the broker to drain")


def assert_each_invitee_got_exactly_one(smtp_server, event):
    assert sorted(smtp_server.handler.recipients()) == invitee_emails(event)


def parts_of(message):
    return {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}


def test_every_invitee_gets_one_invitation_with_calendar_and_factsheet(
    start_worker, smtp_server, broker, event, review
):
    start_worker("solo")
    sent, skipped = invitations.send_invitations(event, sent_by=None)
    assert len(sent) == INVITEES and skipped == []

    wait_until_settled(event)
    wait_until_broker_idle(broker)
    assert states(event) == {"sent": INVITEES}
    assert_each_invitee_got_exactly_one(smtp_server, event)
    assert review.subject_name == "Alex Smith"
    rows = {row.recipient: row for row in OutboundMessage.objects.all()}
    for recipient, message in smtp_server.handler.accepted:
        assert message["Message-ID"] == services.message_id_for(rows[recipient])
        parts = parts_of(message)
        calendar = Calendar.from_ical(parts["text/calendar"].get_payload(decode=True))
        assert calendar["METHOD"] == "REQUEST"
        [entry] = calendar.walk("VEVENT")
        assert str(entry["UID"]) == f"{event.uid}@convene"
        assert entry["SEQUENCE"] == event.sequence
        assert entry["DTSTART"].dt == event.starts_at
        assert entry["DTSTART"].params["TZID"] == "Europe/London"
        assert str(entry["ATTENDEE"]) == f"mailto:{recipient}"
        summary = str(entry["SUMMARY"])
        assert review.reference in summary and review.pseudonym in summary
        assert review.subject_name not in summary
        assert parts["application/pdf"].get_payload(decode=True).startswith(b"%PDF")
        readable = message["Subject"] + parts["text/plain"].get_content() + parts["text/html"].get_content()
        assert review.reference in readable
        assert review.subject_name not in readable
    assert not OutboundMessage.objects.exclude(attempts=1).exists()


def test_pressing_send_twice_sends_one_email_each(start_worker, smtp_server, broker, event):
    start_worker("solo")
    first, _ = invitations.send_invitations(event, sent_by=None)
    second, _ = invitations.send_invitations(event, sent_by=None)  # while the first batch is still going out
    assert len(first) == INVITEES and second == []

    wait_until_settled(event)
    wait_until_broker_idle(broker)
    assert OutboundMessage.objects.count() == INVITEES
    assert_each_invitee_got_exactly_one(smtp_server, event)


def test_two_workers_racing_for_the_same_rows_send_each_once(start_worker, smtp_server, broker, event):
    workers = start_worker("one", "two")
    smtp_server.handler.delay = 0.05  # a longer send makes the workers overlap on each row
    invitations.send_invitations(event, sent_by=None)
    # Every row is handed out twice more, as a sweep running alongside the first dispatch would, so
    # both workers hold tasks for the same rows and only the conditional UPDATE in claim() keeps
    # the second copy from sending.
    for message_id in OutboundMessage.objects.values_list("pk", flat=True):
        services.dispatch(message_id)
        services.dispatch(message_id)

    wait_until_settled(event)
    wait_until_broker_idle(broker)
    assert_each_invitee_got_exactly_one(smtp_server, event)
    assert states(event) == {"sent": INVITEES}
    assert not OutboundMessage.objects.exclude(attempts=1).exists()
    replies = celery_app.control.inspect(destination=[w.hostname for w in workers], timeout=2).stats() or {}
    received = {name: sum(reply.get("total", {}).values()) for name, reply in replies.items()}
    assert all(received.get(worker.hostname, 0) > 0 for worker in workers), received  # both took part


def test_a_worker_killed_mid_batch_leaves_nothing_unsent_or_doubled(start_worker, smtp_server, broker, event):
    handler = smtp_server.handler
    # Each message takes the listener a while, so the batch is still going when the worker dies.
    handler.delay = 0.3
    # The replacement starts meanwhile, on standby: it takes no email until the doomed worker is dead.
    replacement = start_worker.launch("replacement", standby=True)
    worker = start_worker("doomed")
    invitations.send_invitations(event, sent_by=None)

    # Kill the worker while the listener is thinking about the fourth message. The listener
    # only keeps a message after its pause, and aiosmtpd abandons the pause when the connection
    # drops, so the fourth was not accepted: the client never got a 250. That is what makes
    # "exactly once" the right expectation. Had the kill landed after the listener's 250 but
    # before the worker wrote `sent`, a second copy would be unavoidable (at-least-once).
    handler.wait_until_started(4)
    worker.kill()
    # Longer than the listener's pause: had it carried on after the drop, it would have kept it by now.
    time.sleep(handler.delay + 0.3)
    assert len(handler.recipients()) == 3
    # The dead worker's batch holds the rest: the one in flight (its attempt counted) and those it
    # never reached (none counted).
    assert states(event) == {"sent": 3, "sending": INVITEES - 3}
    held = OutboundMessage.objects.filter(state=OutboundMessage.State.SENDING)
    in_flight = held.get(attempts=1)
    assert in_flight.recipient not in handler.recipients()
    assert held.filter(attempts=0).count() == INVITEES - 4

    handler.delay = 0  # the rest need not be slow
    start_worker.take_emails(replacement)
    # The task is unacknowledged and invisible for an hour, so only the sweep can save the batch,
    # once the dead worker's lease has run out (test_worker_kills.py waits for it).
    assert in_flight.lease_expires_at > timezone.now()
    held.update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    tasks.sweep_outbox()

    wait_until_settled(event)
    assert states(event) == {"sent": INVITEES}
    assert_each_invitee_got_exactly_one(smtp_server, event)
    in_flight.refresh_from_db()
    assert in_flight.attempts == 2
    assert OutboundMessage.objects.filter(attempts=1).count() == INVITEES - 1


def test_a_temporary_refusal_is_retried_until_accepted(start_worker, smtp_server, broker, event):
    handler = smtp_server.handler
    handler.refuse_temporarily = 3
    start_worker("solo")
    invitations.send_invitations(event, sent_by=None)

    wait_for(
        lambda: states(event) == {"sent": INVITEES - 3, "queued": 3},
        f"three refused rows back in the queue (now {dict(states(event))})",
    )
    refused = OutboundMessage.objects.filter(state=OutboundMessage.State.QUEUED)
    assert sorted(refused.values_list("recipient", flat=True)) == sorted(handler.temporarily_refused)
    for message in refused:
        assert message.attempts == 1 and "451" in message.last_error
        # The next try is a backoff (30 seconds) after the refusal: too long to wait for here.
        wait = message.next_attempt_at - message.claimed_at
        assert timedelta(seconds=services.backoff(1)) <= wait < timedelta(seconds=services.backoff(1) + 10)
    # The worker holds a task due at next_attempt_at; the sweep stands in for the wait.
    refused.update(next_attempt_at=timezone.now() - timedelta(minutes=2))
    tasks.sweep_outbox()

    wait_until_settled(event)
    assert states(event) == {"sent": INVITEES}
    assert_each_invitee_got_exactly_one(smtp_server, event)
    retried = OutboundMessage.objects.filter(recipient__in=handler.temporarily_refused)
    assert {(m.attempts, m.last_error) for m in retried} == {(2, "")}


def test_a_permanent_refusal_fails_the_row_and_the_event_page_says_why(
    start_worker, smtp_server, broker, event, partnership, business_manager, client
):
    unknown = invitee_emails(event)[3]
    smtp_server.handler.refuse_for_good = {unknown}
    start_worker("solo")
    invitations.send_invitations(event, sent_by=None)

    wait_until_settled(event)
    assert states(event) == {"sent": INVITEES - 1, "failed": 1}
    failed = OutboundMessage.objects.get(state=OutboundMessage.State.FAILED)
    assert failed.recipient == unknown and failed.attempts == 1
    assert "550" in failed.last_error and "No such mailbox here" in failed.last_error
    assert sorted(smtp_server.handler.recipients()) == [e for e in invitee_emails(event) if e != unknown]

    client.force_login(business_manager)
    response = client.get(reverse("events:event_detail", args=[partnership.slug, event.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(">Failed</strong>") == 1
    assert "No such mailbox here" in page
