"""Redis stops while a batch of invitations is going out, and comes back empty: every email arrives once.

Redis here is a private redis-server on a free port (the machine's own is never touched). It
carries the worker's broker and cache and this process's, so stopping it takes both away, as an
outage would. Everything else is real: PostgreSQL, a Celery worker process and an SMTP listener.
"""

import logging
import os
import shutil
import subprocess
import time
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import redis
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app as celery_app
from events.models import Invitation
from notifications import tasks
from notifications.models import OutboundMessage
from practitioners.models import Agency
from tests.events.conftest import invite, make_event, make_practitioners
from tests.notifications.conftest import free_port

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis for a real Celery worker: set REDIS_URL"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: a worker process cannot share the test run's SQLite database",
    ),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server to run a private Redis"),
    pytest.mark.django_db(transaction=True),
]

LONDON = ZoneInfo("Europe/London")
FIRST_BATCH = 10
LATE_BATCH = 20
TIMEOUT = 30


class RedisServer:
    """A redis-server of the test's own that keeps nothing on disk, so a restart comes back empty."""

    def __init__(self, folder):
        self.port = free_port()
        self.folder = folder
        self.process = None

    def url(self, db):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        with (self.folder / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    *("--port", str(self.port), "--bind", "127.0.0.1"),
                    *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start:\n{(self.folder / 'redis.log').read_text()}")
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None


@pytest.fixture
def private_redis(tmp_path, monkeypatch, settings):
    server = RedisServer(tmp_path)
    server.start()
    # The delivery fixtures derive the workers' Redis from REDIS_URL: point them at this server.
    monkeypatch.setenv("REDIS_URL", server.url(0))
    # The production profile's cache, on the same server: when Redis stops it answers as an empty cache.
    settings.CACHES = {"default": {"BACKEND": "config.cache.TolerantRedisCache", "LOCATION": server.url(1)}}
    yield server
    if server.running:
        server.stop()


@pytest.fixture
def broker(private_redis, broker):
    """The delivery tests' broker, made after (and so on) the private Redis, which is up again for its teardown."""
    yield broker
    if not private_redis.running:
        private_redis.start()


@pytest.fixture
def agency(partnership):
    return Agency.objects.create(partnership=partnership, name="Northvale Police", agency_type=Agency.Type.POLICE)


@pytest.fixture
def event(review, agency, partnership):
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
    for practitioner in make_practitioners(partnership, agency, FIRST_BATCH):
        invite(event, practitioner)
    return event


def states(event):
    emails = OutboundMessage.objects.about(Invitation, event.invitations.values("pk"))
    return Counter(emails.values_list("state", flat=True))


def wait_for(condition, what, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def answers_ping(worker):
    try:
        return bool(celery_app.control.ping(destination=[worker.hostname], timeout=0.5))
    except (OperationalError, redis.ConnectionError, OSError):
        return False


# Batches of two, so that the rows a batch holds are few and most wait for a task Redis will lose.
BATCH = 2


@pytest.fixture
def celery_environment(celery_environment):
    return celery_environment | {"OUTBOX_BATCH_SIZE": str(BATCH)}


def test_redis_stops_mid_batch_and_comes_back_empty_and_every_invitation_arrives_once(
    private_redis, start_worker, smtp_server, broker, event, agency, partnership, bm_client, caplog, settings
):
    settings.OUTBOX_BATCH_SIZE = BATCH
    handler = smtp_server.handler
    handler.delay = 0.1  # each message takes a while, so the batch is still going when Redis stops
    worker = start_worker("solo")
    send = reverse("events:event_send", args=[partnership.slug, event.pk])

    assert bm_client.post(send).status_code == 302
    handler.wait_until_started(3)
    private_redis.stop()

    # The worker finishes the batch in its hands (SMTP and the database need no Redis) and gives back
    # nothing else: the tasks for the other batches are in the Redis that stopped.
    wait_for(lambda: states(event)["sending"] == 0, f"the batch in hand to be sent (now {dict(states(event))})")
    sent_before = len(handler.recipients())
    assert 3 <= sent_before < FIRST_BATCH
    assert states(event) == {"sent": sent_before, "queued": FIRST_BATCH - sent_before}
    handler.delay = 0  # the rest need not be slow

    # During the outage the business manager invites twenty more people: the page works as usual
    # and the new emails wait in the outbox. Each hand-off to the broker (one a batch) gives up at once.
    for practitioner in make_practitioners(partnership, agency, LATE_BATCH, start=FIRST_BATCH):
        invite(event, practitioner)
    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        response = bm_client.post(send)
    assert response.status_code == 302
    assert states(event) == {"sent": sent_before, "queued": FIRST_BATCH + LATE_BATCH - sent_before}
    faults = [r.created for r in caplog.records if "Could not reach the broker" in r.getMessage()]
    assert len(faults) == LATE_BATCH // BATCH
    # Celery's own retries would take 0.6 s for each hand-off.
    assert faults[-1] - faults[0] < 3
    page = bm_client.get(reverse("events:event_detail", args=[partnership.slug, event.pk]))
    assert page.status_code == 200
    assert f"{LATE_BATCH} people invited" in page.content.decode()

    # Redis comes back with nothing in it: the tasks for the waiting rows are gone for good.
    private_redis.start()
    wait_for(lambda: answers_ping(worker), "the worker to reconnect to Redis")
    assert broker.llen("celery") == 0
    time.sleep(0.5)
    assert len(handler.recipients()) == sent_before  # nothing goes out until the sweep finds the rows

    # The next email the site writes sets the queue moving again: its task takes the oldest rows
    # first and hands on to another while batches come back full, so everything waiting goes out,
    # the latecomer with it, before any sweep.
    [latecomer] = make_practitioners(partnership, agency, 1, start=FIRST_BATCH + LATE_BATCH)
    invite(event, latecomer)
    assert bm_client.post(send).status_code == 302
    total = FIRST_BATCH + LATE_BATCH + 1
    wait_for(lambda: states(event) == {"sent": total}, f"all {total} emails to be sent (now {dict(states(event))})")
    # Beat's next outbox sweep, a few minutes on, finds nothing left to hand out.
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        tasks.sweep_outbox()
    expected = sorted(event.invitations.values_list("practitioner__email", flat=True))
    assert len(expected) == total
    assert sorted(handler.recipients()) == expected
    assert not OutboundMessage.objects.exclude(attempts=1).exists()
