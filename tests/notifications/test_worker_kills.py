"""A worker killed at random points twenty times: every email arrives, none late, none doubled without cause.

Real parts throughout: PostgreSQL, a Redis broker, Celery worker processes killed with SIGKILL
(as the kernel's OOM killer would), a real beat on the project's schedule and lease (its outbox
sweep every OUTBOX_SWEEP_SECONDS, leases of OUTBOX_LEASE_SECONDS), and an SMTP listener as the
witness of what arrived and when.

One worker lives throughout, as a deployment runs more than one; the other is started twenty times
and killed at a random point once it holds an email (each is started during the rounds before its own,
listening to nothing, and joins the queue the emails go to when its round begins). The emails it held
wait for their lease to run out and the beat's sweep to put them back, well inside 90 seconds.

A second copy is unavoidable in one case only: the listener accepted the email and the worker died
before it wrote `sent` (SMTP has no way to ask "did you get it?"). The test finds each such kill
from the outside: the row is still in sending under the dead worker's claim, and the listener
accepted a copy of it after that claim began. Every duplicate must come from one of those kills,
and each of those kills must give exactly one duplicate; the test prints how many there were.
The listener runs in this process, so the kill often waits for it to let go of the interpreter lock,
just after it accepted an email: kills land in that narrow window far more often than chance would
have them, which tests the accounting of duplicates all the harder.
"""

import os
import random
import time
from collections import Counter, deque

import pytest
from django.conf import settings

from notifications import services
from notifications.models import OutboundMessage

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis for a real Celery worker: set REDIS_URL"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: a worker process cannot share the test run's SQLite database",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.starts_early,  # minutes of mostly waiting: a parallel run does the rest meanwhile
]

KILLS = 20
EMAILS_PER_ROUND = 10
LATEST = 90  # seconds after it was due by which every email must have arrived
SMTP_DELAY = 0.05  # the listener's thinking time for each email, so kills often land mid-send
STARTING_AHEAD = 2  # doomed workers starting on standby while a round goes on


def queue(round_number, count, first=0):
    for n in range(first, first + count):
        services.queue_email(
            kind="test",
            recipient=f"person{round_number}-{n}@agency.example",
            subject=f"Email {n} of round {round_number}",
            body_text="Hello",
            idempotency_key=f"kill-test:{round_number}:{n}",
        )


def acceptances(handler):
    """(Message-ID, time) of every copy the listener accepted, in order."""
    with handler.lock:
        return [
            (message["Message-ID"], at) for (_, message), at in zip(handler.accepted, handler.accepted_at, strict=True)
        ]


def accepted_but_unrecorded(worker, handler):
    """Rows the killed worker had sent, and the listener accepted during its claim, but not yet recorded as sent."""
    accepted = acceptances(handler)
    in_hand = OutboundMessage.objects.filter(
        state=OutboundMessage.State.SENDING, claimed_by__endswith=f" pid {worker.process.pid}"
    )
    return [
        row.pk
        for row in in_hand
        if any(mid == services.message_id_for(row) and at >= row.claimed_at.timestamp() for mid, at in accepted)
    ]


def test_a_worker_killed_at_random_points_twenty_times_delivers_every_email_in_time(
    start_worker, beat, smtp_server, broker, capsys
):
    handler = smtp_server.handler
    handler.delay = SMTP_DELAY
    chance = random.Random()
    seed = chance.randrange(10**6)
    chance.seed(seed)
    queued_state = OutboundMessage.State.QUEUED
    queued = 0  # emails queued, a few more than KILLS * EMAILS_PER_ROUND if a round needed more
    in_window = []  # rows whose worker died between the listener's acceptance and the record
    points = Counter()  # where each kill fell, as the outbox saw it

    # The rest of the fleet: one worker that lives throughout, as a deployment runs more than one.
    start_worker("survivor")
    # Each doomed worker starts on standby during the rounds before its own (a round is shorter than a
    # worker takes to start), so that the rounds do not wait for one; it takes emails when its round begins.
    waiting = deque(start_worker.launch(f"doomed{n}", standby=True) for n in range(min(STARTING_AHEAD, KILLS)))
    for round_number in range(KILLS):
        worker = waiting.popleft()
        if round_number + STARTING_AHEAD < KILLS:
            waiting.append(start_worker.launch(f"doomed{round_number + STARTING_AHEAD}", standby=True))
        start_worker.take_emails(worker)
        holding = OutboundMessage.objects.filter(
            state=OutboundMessage.State.SENDING, claimed_by__endswith=f" pid {worker.process.pid}"
        )
        # The two workers take turns at the batch; once the doomed one holds an email, a random point
        # follows: mid-send, between sends, or just after the server's answer.
        queue(round_number, EMAILS_PER_ROUND)
        queued, extra, next_extra = queued + EMAILS_PER_ROUND, 0, time.monotonic() + 0.5
        deadline = time.monotonic() + 30
        while not holding.exists():
            if time.monotonic() > deadline:
                pytest.fail(f"Worker {worker.name} took no email:\n{worker.log()}")
            if time.monotonic() > next_extra and not OutboundMessage.objects.filter(state=queued_state).exists():
                # The survivor claimed the whole round before this worker took a task (a killed worker's rows
                # wait for the sweep): one more email gives it its turn.
                queue(round_number, 1, first=EMAILS_PER_ROUND + extra)
                queued, extra, next_extra = queued + 1, extra + 1, time.monotonic() + 0.5
            time.sleep(0.005)
        time.sleep(chance.uniform(0, SMTP_DELAY * 3))
        worker.kill()
        # Longer than the listener's pause: a copy it was about to accept is counted now.
        time.sleep(SMTP_DELAY + 0.3)
        caught = accepted_but_unrecorded(worker, handler)
        in_window += caught
        points["after acceptance, before the record" if caught else "mid-send" if holding else "between sends"] += 1

    rows = list(OutboundMessage.objects.all())
    total = queued
    assert len(rows) == total
    deadline = max(row.created_at for row in rows).timestamp() + LATEST + 5
    while OutboundMessage.objects.exclude(state=OutboundMessage.State.SENT).exists():
        if time.time() > deadline:
            states = Counter(OutboundMessage.objects.values_list("state", flat=True))
            pytest.fail(f"Not every email was sent in time (seed {seed}): {dict(states)}\n{beat.log()}")
        time.sleep(0.2)

    # Every email arrived, each within 90 seconds of being due.
    arrivals = {}
    for message_id, at in acceptances(handler):
        arrivals.setdefault(message_id, at)
    late = {}
    for row in rows:
        message_id = services.message_id_for(row)
        assert message_id in arrivals, f"{row.recipient} never arrived (seed {seed})"
        waited = arrivals[message_id] - row.created_at.timestamp()
        if waited > LATEST:
            late[row.recipient] = round(waited, 1)
    assert late == {}, f"seed {seed}"

    # A second copy only where a kill fell between acceptance and record, and one for each such kill.
    received = Counter(message_id for message_id, _ in acceptances(handler))
    duplicated = Counter({row.pk: received[services.message_id_for(row)] - 1 for row in rows})
    assert +duplicated == Counter(in_window), f"seed {seed}, kills {dict(points)}"
    slowest = max(arrivals[services.message_id_for(row)] - row.created_at.timestamp() for row in rows)
    with capsys.disabled():
        print(
            f"\n{KILLS} kills (seed {seed}): {dict(points)}; {total} emails all delivered, the slowest "
            f"{slowest:.1f}s after it was due; duplicates: {duplicated.total()}, all from kills between "
            f"the server's acceptance and its record"
        )
