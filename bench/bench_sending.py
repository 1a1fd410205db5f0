"""Time sending invitations: 1,000 through a real Celery worker, against plain smtplib on one connection.

    REDIS_URL=redis://127.0.0.1:6379/0 DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/bench_sending.py [--invitees 1000] [--concurrency 2] [--redis-db 6] \\
        [--database-name convene_bench_<pid>]

The broker is Redis database --redis-db (6 unless told) of the server REDIS_URL names (flushed
before and after). With a postgres:// DATABASE_URL it creates a throwaway database on that server
(--database-name) and drops it at the end; without one it uses SQLite in a temporary folder. The
SMTP listener is aiosmtpd in a child process.
"""

import argparse
import multiprocessing
import os
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import databases
from figures import record

ROOT = Path(__file__).resolve().parent.parent
BENCH_REDIS_DB = 6
WORKER_HOSTNAME = "bench@convene"


class CountingHandler:
    """Accepts every message and counts the recipients."""

    def __init__(self, counter):
        self.counter = counter

    async def handle_DATA(self, server, session, envelope):
        with self.counter.get_lock():
            self.counter.value += len(envelope.rcpt_tos)
        return "250 2.0.0 Accepted"


def run_listener(port, counter, ready, stop):
    from aiosmtpd.controller import Controller

    controller = Controller(CountingHandler(counter), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_invitees(count):
    """A partnership, a review, an event a month away and `count` practitioners on its list."""
    from django.utils import timezone

    from core.models import Partnership
    from events.models import Event, Invitation
    from practitioners.models import Agency, Practitioner
    from reviews.models import Review

    partnership = Partnership.objects.create(
        name="Benchmark Safeguarding Partnership",
        slug="bench",
        kind=Partnership.Kind.CHILDREN,
        contact_name="Sam Bench",
        contact_email="bench@example.org",
        contact_phone="01632 960 000",
    )
    review = Review(
        partnership=partnership,
        review_type=Review.Type.CSPR,
        reference="CSPR 2026-99",
        pseudonym="Child Z",
        scope_start=date(2025, 1, 1),
        scope_end=date(2025, 12, 31),
    )
    review.set_subject_name("Bench Subject")
    review.save()
    starts_at = (timezone.localtime() + timedelta(days=30)).replace(hour=10, minute=0, second=0, microsecond=0)
    event = Event.objects.create(
        review=review,
        title="Practitioner learning event for Child Z",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        venue_name="Civic Centre",
        venue_address="1 High Street\nBenchton",
        capacity=count,
        rsvp_deadline=(starts_at - timedelta(days=7)).date(),
    )
    agency = Agency.objects.create(partnership=partnership, name="Benchmark Health Trust")
    people = Practitioner.objects.bulk_create(
        Practitioner(
            partnership=partnership,
            full_name=f"Person {n:04d}",
            job_title="Nurse",
            agency=agency,
            email=f"person{n:04d}@bench.example",
        )
        for n in range(count)
    )
    Invitation.objects.bulk_create(Invitation(event=event, practitioner=person) for person in people)
    return event


def start_worker(env, concurrency, var_dir):
    log = (Path(var_dir) / "worker.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--loglevel=WARNING",
            "--hostname",
            WORKER_HOSTNAME,
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so stopping it ends the pool children too
    )
    log.close()
    return process


def wait_until_ready(process, var_dir, timeout=60):
    from config.celery import app

    deadline = time.monotonic() + timeout
    while not app.control.ping(destination=[WORKER_HOSTNAME], timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            log = (Path(var_dir) / "worker.log").read_text(errors="replace")[-3000:]
            raise SystemExit(f"The worker did not start:\n{log}")


def stop_worker(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def send_through_worker(event, count, timeout=600):
    """Press send and wait for every row to be sent.

    Returns the seconds spent writing the outbox, from commit to the last row sent, and in all.
    """
    from django.db.models import Count, Max
    from django.utils import timezone

    from events import invitations
    from notifications.models import OutboundMessage

    pressed = timezone.now()
    sent, _ = invitations.send_invitations(event, sent_by=None)
    committed = timezone.now()  # send_invitations returns after its transaction and on-commit dispatches
    assert len(sent) == count
    deadline = time.monotonic() + timeout
    while True:
        states = dict(OutboundMessage.objects.order_by().values_list("state").annotate(n=Count("pk")))
        if states.get("sent", 0) + states.get("failed", 0) == count:
            break
        if time.monotonic() > deadline:
            raise SystemExit(f"Not every message was sent within {timeout}s: {states}")
        time.sleep(0.2)
    failed = OutboundMessage.objects.filter(state="failed").count()
    if failed:
        raise SystemExit(f"{failed} messages failed: {OutboundMessage.objects.filter(state='failed')[0].last_error}")
    last = OutboundMessage.objects.aggregate(last=Max("sent_at"))["last"]
    return (committed - pressed).total_seconds(), (last - committed).total_seconds(), (last - pressed).total_seconds()


def prebuilt_messages():
    """The same messages the worker sent, built once with build_email and flattened to bytes."""
    from notifications.models import OutboundMessage
    from notifications.services import build_email

    messages = []
    for row in OutboundMessage.objects.order_by("pk"):
        email = build_email(row)
        messages.append((email.from_email, email.recipients(), email.message().as_bytes(linesep="\r\n")))
    return messages


def send_with_smtplib(messages, port):
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for from_email, recipients, content in messages:
            smtp.sendmail(from_email, recipients, content)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invitees", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2, help="worker processes")
    parser.add_argument("--redis-db", type=int, default=BENCH_REDIS_DB, help="the broker's Redis database number")
    parser.add_argument("--database-name", default=f"convene_bench_{os.getpid()}", help="on PostgreSQL")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL (for example redis://127.0.0.1:6379/0): the worker's broker is Redis.")

    var_dir = tempfile.mkdtemp(prefix="convene-bench-")
    database_url = os.environ.get("DATABASE_URL", "")
    bench_database = args.database_name if database_url.startswith(("postgres", "pgsql")) else None
    broker_url = databases.with_name(os.environ["REDIS_URL"], str(args.redis_db))
    port = free_port()
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CONVENE_VAR_DIR": var_dir,
        "MEDIA_ROOT": str(Path(var_dir) / "uploads"),
        "DATABASE_URL": (
            databases.with_name(database_url, bench_database)
            if bench_database
            else f"sqlite:///{Path(var_dir) / 'bench.sqlite3'}"
        ),
        "REDIS_URL": broker_url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "DEMO_MAILBOX": "false",  # as in production: links are struck out of each row once it is sent
        "DEBUG": "false",  # as in production: no query log kept by each database call
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)

    # The listener is forked before Django starts, and counts in shared memory.
    fork = multiprocessing.get_context("fork")
    counter, ready, stop = fork.Value("i", 0), fork.Event(), fork.Event()
    listener = fork.Process(target=run_listener, args=(port, counter, ready, stop), daemon=True)
    listener.start()
    worker = redis_client = None
    django_ready = False
    try:
        if not ready.wait(10):
            raise SystemExit("The SMTP listener did not start")
        if bench_database:
            databases.create(databases.with_name(database_url, bench_database))

        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        django_ready = True
        import redis
        from django.core.management import call_command

        redis_client = redis.Redis.from_url(broker_url)
        redis_client.flushdb()

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        event = make_invitees(args.invitees)
        print(f"Database ready ({env['DATABASE_URL'].split(':')[0]}) in {time.perf_counter() - started:.1f}s")

        worker = start_worker(env, args.concurrency, var_dir)
        wait_until_ready(worker, var_dir)
        queueing, delivery, total = send_through_worker(event, args.invitees)
        if counter.value != args.invitees:
            raise SystemExit(f"The listener counted {counter.value} messages, not {args.invitees}")
        stop_worker(worker)
        worker = None

        messages = prebuilt_messages()
        size = sum(len(content) for _, _, content in messages) / len(messages)
        counter.value = 0
        smtplib_seconds = send_with_smtplib(messages, port)
        if counter.value != len(messages):
            raise SystemExit(f"The listener counted {counter.value} messages, not {len(messages)}")

        n = args.invitees
        worker_rate, end_to_end_rate, smtplib_rate = n / delivery, n / total, n / smtplib_seconds
        print(f"{n} invitations, {size / 1024:.0f} KiB each (calendar file and factsheet PDF)")
        print(f"  send_invitations (writing the outbox rows):  {queueing:6.1f}s")
        print(
            f"  worker, prefork x{args.concurrency}, after commit:     {delivery:6.1f}s  {worker_rate:7.1f} msg/s "
            f"(press to last sent: {end_to_end_rate:.1f} msg/s)"
        )
        print(f"  smtplib, pre-built, one connection:        {smtplib_seconds:6.1f}s  {smtplib_rate:7.1f} msg/s")
        print(f"  smtplib / worker: {smtplib_rate / worker_rate:.1f}x")
        record(
            f"Sending {n} invitations: worker rate after commit (prefork x{args.concurrency})",
            round(worker_rate, 1),
            "msg/s",
            note=f"press to last sent {end_to_end_rate:.1f} msg/s; writing the outbox {queueing:.1f}s",
        )
        record("Sending: plain smtplib, pre-built, one connection", round(smtplib_rate, 1), "msg/s")
        # The aim: the worker sends at least half as fast as plain smtplib on one connection.
        record("Sending: smtplib rate / worker rate", round(smtplib_rate / worker_rate, 2), "x", aim=2.0)
    finally:
        if worker is not None:
            stop_worker(worker)
        stop.set()
        listener.join(10)
        if redis_client is not None:
            redis_client.flushdb()
            redis_client.close()
        if django_ready:
            from django.db import connections

            connections.close_all()
        if bench_database:
            databases.drop(databases.with_name(database_url, bench_database))
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
