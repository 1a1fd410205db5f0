"""Real parts for the delivery tests: an SMTP listener in a thread and Celery worker subprocesses.

The workers are separate processes on the same PostgreSQL test database and a Redis database of
their own (WORKER_REDIS_DB, flushed before and after), so they see only what a test has committed.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from kombu import Connection

from config.celery import app as celery_app
from tests import parallel

# Two test runs on one Redis (two checkouts on one machine) each need their own: set TEST_WORKER_REDIS_DB.
# Each process of a parallel run adds its number (tests/parallel.py).
WORKER_BASE = int(os.environ.get("TEST_WORKER_REDIS_DB", "5"))
WORKER_REDIS_DB = WORKER_BASE + parallel.number()
if os.environ.get("REDIS_URL") and parallel.redis_databases_overlap(os.environ["REDIS_URL"], WORKER_BASE):
    raise pytest.UsageError(
        "TEST_WORKER_REDIS_DB is too close to REDIS_URL's database: each test process uses one of each, "
        "numbered upwards from those two; choose databases further apart"
    )
WORKER_START_TIMEOUT = 60
# How long a worker's poll of the Redis broker waits for a task before it asks again (BROKER_POLL_SECONDS,
# a second by default). A task is taken as soon as it arrives whatever this is: the poll's end matters only
# to a worker told to take from another queue (`take_emails`) or to stop (teardown's SIGTERM), which it
# acts on once the poll waiting now ends.
BROKER_POLL_SECONDS = 0.1


class RecordingHandler:
    """An aiosmtpd handler that keeps what it accepts, and can be slow or refuse on request."""

    def __init__(self):
        self.lock = threading.Condition()
        self.accepted = []  # (recipient, email.message.EmailMessage), in the order they were accepted
        self.accepted_at = []  # time.time() of each of them
        self.started = 0  # DATA commands received, including ones still being worked on
        self.delay = 0.0  # seconds to think before accepting each message
        self.refuse_temporarily = 0  # answer the next N messages with 451
        self.temporarily_refused = []
        self.refuse_for_good = set()  # addresses answered with 550 at RCPT

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_for_good:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.started += 1
            self.lock.notify_all()
            if self.refuse_temporarily > 0:
                self.refuse_temporarily -= 1
                self.temporarily_refused.extend(envelope.rcpt_tos)
                return "451 4.3.0 Mailbox busy, try again later"
        # The pause comes before the message is kept: if the client disappears meanwhile,
        # aiosmtpd cancels this coroutine, the client never saw a 250, and nothing was accepted.
        await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.accepted.extend((recipient, message) for recipient in envelope.rcpt_tos)
            self.accepted_at.extend(time.time() for _ in envelope.rcpt_tos)
            self.lock.notify_all()
        return "250 2.0.0 Accepted"

    def recipients(self):
        with self.lock:
            return [recipient for recipient, _ in self.accepted]

    def wait_until_started(self, count, timeout=30):
        with self.lock:
            if not self.lock.wait_for(lambda: self.started >= count, timeout):
                pytest.fail(f"The SMTP listener saw {self.started} messages, not {count}, within {timeout}s")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A local SMTP listener; the test reads `.handler` and configures refusals on it."""
    from aiosmtpd.controller import Controller

    handler = RecordingHandler()
    # aiosmtpd checks the listener by connecting to the port it was given, so it needs a real one.
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


def use_broker(url):
    """Make this process's Celery app publish to url from now on.

    Celery keeps a broker connection pool on the app and a producer pool on its `amqp` helper,
    both made on first use (eager calls in earlier tests make them too): drop both.
    """
    celery_app.conf.broker_url = url
    celery_app.close()
    del celery_app.amqp
    with celery_app.producer_or_acquire() as producer:
        assert producer.connection.as_uri() == Connection(url).as_uri(), "Celery still publishes elsewhere"


def worker_broker_url():
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit((parts.scheme, parts.netloc, f"/{WORKER_REDIS_DB}", "", ""))


@pytest.fixture
def broker(_celery_eager):
    """Point this process's Celery app at the workers' Redis database, flushed before and after."""
    import redis

    url = worker_broker_url()
    client = redis.Redis.from_url(url)
    client.flushdb()
    previous = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    use_broker(url)
    yield client
    use_broker(previous)
    client.flushdb()
    client.close()


def worker_database_url():
    """A DATABASE_URL for the database this test run uses (pytest-django's test_<name>)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


class Worker:
    def __init__(self, name, process, log_path):
        self.name = name
        self.hostname = f"{name}@convene-tests"
        self.process = process
        self.log_path = log_path

    def log(self):
        return self.log_path.read_text(errors="replace")[-4000:]

    def kill(self):
        """SIGKILL, as the kernel's OOM killer or a lost machine would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)

    def wait_or_kill(self):
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture
def celery_environment(smtp_server, tmp_path):
    """The environment of the worker and beat processes: the test database, the workers' Redis, smtp_server."""
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": worker_broker_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_TIMEOUT": "10",
        "BROKER_POLL_SECONDS": str(BROKER_POLL_SECONDS),
        # Factsheet PDFs are cached in file storage: keep them out of the project's var/.
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "WARNING",
    }


class Workers:
    """Starts Celery worker processes on the test database that send through smtp_server."""

    def __init__(self, env, tmp_path):
        self.env, self.tmp_path = env, tmp_path
        self.started = []

    def __call__(self, *names):
        """Start a solo worker for each name at once, wait until all are ready, and return them."""
        started = [self.launch(name) for name in names]
        self.wait_until_ready(*started)
        return started[0] if len(started) == 1 else started

    def launch(self, name, *, standby=False):
        """Start a solo worker without waiting for it. A worker on standby listens only to a queue of its
        own that nothing is sent to, so it takes no email until `take_emails` (a worker that starts while
        another round of work goes on, ready to join it at once)."""
        log_path = self.tmp_path / f"{name}.log"
        queue = ["--queues", f"standby-{name}"] if standby else []
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool=solo",
                    "--loglevel=WARNING",
                    "--hostname",
                    f"{name}@convene-tests",
                    # Nothing to synchronise with: skip the start-up and chatter between workers.
                    "--without-mingle",
                    "--without-gossip",
                    *queue,
                ],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so teardown ends pool children too
            )
        worker = Worker(name, process, log_path)
        self.started.append(worker)
        return worker

    def wait_until_ready(self, *workers):
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        for worker in workers:
            while not celery_app.control.ping(destination=[worker.hostname], timeout=0.3):
                if worker.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"Worker {worker.name} did not start:\n{worker.log()}")

    def take_emails(self, worker):
        """A worker on standby starts taking from the queue every email task goes to.

        The worker answers once it has added the queue, but it asks Redis for it only from its next
        poll of the broker, which comes when the one waiting now ends (after at most BROKER_POLL_SECONDS).
        This returns a fixed margin after that, not on a sign from the worker: nothing may rely on the
        worker having taken a task by then (a task sent meanwhile waits in Redis for it).
        """
        self.wait_until_ready(worker)
        queue = celery_app.conf.task_default_queue
        replies = celery_app.control.add_consumer(queue, destination=[worker.hostname], reply=True, timeout=10)
        if not replies:
            pytest.fail(f"Worker {worker.name} did not start taking from {queue}:\n{worker.log()}")
        time.sleep(BROKER_POLL_SECONDS + 0.2)


@pytest.fixture
def start_worker(transactional_db, broker, celery_environment, tmp_path):
    """Start Celery workers on the test database that send through smtp_server; stopped in teardown.

    `start_worker(*names)` starts them and waits until they are ready; `start_worker.launch` and
    `start_worker.take_emails` start one on standby and set it to work later (see Workers).
    Depending on transactional_db makes the workers stop before the tables are flushed.
    """
    workers = Workers(celery_environment, tmp_path)
    yield workers
    for worker in workers.started:
        worker.terminate()
    for worker in workers.started:
        worker.wait_or_kill()


@pytest.fixture
def beat(transactional_db, broker, celery_environment, tmp_path):
    """A real Celery beat with the project's schedule, handing periodic tasks to the test's workers."""
    log_path = tmp_path / "beat.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING"),
                *("--schedule", str(tmp_path / "celerybeat-schedule")),
            ],
            cwd=settings.BASE_DIR,
            env=celery_environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    beat = Worker("beat", process, log_path)
    yield beat
    beat.terminate()
    beat.wait_or_kill()
