"""The busiest hour, in one minute: 500 practitioners reply while the business manager watches.

    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/bench_load REDIS_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python bench/bench_load.py [--practitioners 500] [--seconds 60] [--workers 2]

The production profile (CONVENE_PROFILE=production, DEBUG off, static files collected) served by
gunicorn with two sync workers on a free loopback port, on PostgreSQL (BENCH_POSTGRES_URL, a
database of the benchmark's own, created and dropped) and Redis (REDIS_URL: the cache, the rate
limits and the broker the confirmations are queued on; that database is flushed before and after).
Every request says it came through the HTTPS proxy, as in production.

Each of the 500 practitioners starts at a random moment within the minute and, one request after
another: opens the emailed link (GET, the neutral page), opens the session (POST, with the page's
CSRF token), reads the invitation page and sends the reply form (yes or no, sometimes with access
needs). Meanwhile the business manager, signed in, reloads the event page every two seconds.

It prints requests per second and the 50th, 95th and 99th percentile of each step, and any errors;
then it checks the database: each of the 500 invitations has its reply recorded exactly once, with
one audit entry. Aims: no error, every step's 95th percentile under 300 ms, every reply there once.
"""

import argparse
import http.client
import os
import random
import re
import secrets
import statistics
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlencode

from cryptography.fernet import Fernet

os.environ.update(
    {
        "CONVENE_PROFILE": "production",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "LOG_LEVEL": "WARNING",
    }
)
if not os.environ.get("BENCH_POSTGRES_URL"):
    raise SystemExit("Set BENCH_POSTGRES_URL to a PostgreSQL database of the benchmark's own (created and dropped).")
if not os.environ.get("REDIS_URL"):
    raise SystemExit("Set REDIS_URL to a Redis database nobody else uses (it is flushed).")

from bench_link import free_port, start_gunicorn, stop, wait_until_serving  # isort: skip - sets up Django
from sandbox import run, sample_event  # isort: skip

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from figures import record

from core import links
from core.models import AuditEntry, Membership, User
from events.models import Event, Invitation
from practitioners.models import Agency, Practitioner

HOST = "127.0.0.1"
ORIGIN = f"https://{HOST}"
AIM_P95_MS = 300
STEPS = ["open the link", "open the session", "read the invitation", "send the reply", "event page (manager)"]
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One person's cookies over one keep-alive connection, as a browser behind the proxy."""

    def __init__(self, port, cookies=None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.connection = None

    def request(self, method, path, form=None):
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": ORIGIN,
                "Referer": ORIGIN + path,
            }
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn's sync workers close idle keep-alive connections: reconnect once.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), content

    def close(self):
        if self.connection is not None:
            self.connection.close()


class Timings:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)  # step -> [milliseconds]
        self.errors = []

    def timed(self, step, call, expect):
        start = time.perf_counter()
        try:
            status, location, content = call()
        except OSError as error:
            with self.lock:
                self.errors.append(f"{step}: {type(error).__name__}: {error}")
            return None
        elapsed = (time.perf_counter() - start) * 1000
        with self.lock:
            self.times[step].append(elapsed)
            if status not in expect:
                self.errors.append(f"{step}: HTTP {status} {location}")
                return None
        return status, location, content


def make_data(practitioners):
    """A partnership, an event a month away with `practitioners` invitees and their links, and its manager."""
    call_command("collectstatic", interactive=False, verbosity=0)
    partnership, event = sample_event()
    starts_at = (timezone.localtime() + timedelta(days=30)).replace(hour=10, minute=0, second=0, microsecond=0)
    Event.objects.filter(pk=event.pk).update(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        rsvp_deadline=(starts_at - timedelta(days=7)).date(),
        capacity=practitioners,
        status=Event.Status.INVITATIONS_SENT,
    )
    agencies = [Agency.objects.create(partnership=partnership, name=f"Agency {n}") for n in range(8)]
    people = Practitioner.objects.bulk_create(
        Practitioner(
            partnership=partnership,
            full_name=f"Practitioner {n:04d}",
            job_title="Social worker",
            email=f"person{n:04d}@agency.example",
            agency=agencies[n % len(agencies)],
        )
        for n in range(practitioners)
    )
    tokens, rows = [], []
    for person in people:
        token, token_hash = links.new_token()
        tokens.append(token)
        rows.append(
            Invitation(
                event=event,
                practitioner=person,
                status=Invitation.Status.INVITED,
                token_hash=token_hash,
                token_expires_at=starts_at + timedelta(days=30),
                sent_at=timezone.now(),
            )
        )
    Invitation.objects.bulk_create(rows)
    manager = User.objects.create_user("manager@bench.example", secrets.token_urlsafe(16), full_name="Bench Manager")
    Membership.objects.create(user=manager, partnership=partnership, role=Membership.Role.BUSINESS_MANAGER)
    TOTP.activate(manager, generate_totp_secret())
    client = Client()
    client.force_login(manager)
    session = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    return event, tokens, session


def practitioner(port, token, n, timings, start_at, chance):
    time.sleep(max(0.0, start_at - time.monotonic()))  # its moment in the minute, however long it queued
    browser = Browser(port)
    try:
        start_path = reverse("invitation:start", args=[token])
        opened = timings.timed("open the link", lambda: browser.request("GET", start_path), {200})
        if opened is None:
            return
        csrf = CSRF_FIELD.search(opened[2])
        form = {"csrfmiddlewaretoken": csrf.group(1).decode() if csrf else ""}
        session = timings.timed("open the session", lambda: browser.request("POST", start_path, form), {302, 303})
        if session is None:
            return
        page_path = reverse("invitation:page")
        page = timings.timed("read the invitation", lambda: browser.request("GET", page_path), {200})
        if page is None:
            return
        csrf = CSRF_FIELD.search(page[2])
        attending = chance.random() < 0.8
        reply = {
            "csrfmiddlewaretoken": csrf.group(1).decode() if csrf else "",
            "attending": "yes" if attending else "no",
            "tell_agency": "no",
        }
        if attending and n % 10 == 0:
            reply["access_needs"] = "A hearing loop, please."
        if not attending:
            reply["decline_reason"] = "On leave that week."
        timings.timed("send the reply", lambda: browser.request("POST", page_path, reply), {302, 303})
    finally:
        browser.close()


def business_manager(port, event, session, timings, until):
    browser = Browser(port, session)
    path = event_path(event)
    try:
        while time.monotonic() < until:
            started = time.monotonic()
            timings.timed("event page (manager)", lambda: browser.request("GET", path), {200})
            time.sleep(max(0.0, 2 - (time.monotonic() - started)))
    finally:
        browser.close()


def event_path(event):
    return reverse("events:event_detail", kwargs={"slug": event.review.partnership.slug, "event_id": event.pk})


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def flush_redis():
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


def check_database(event, practitioners):
    """Each invitation's reply recorded once, with one audit entry: a list of what is wrong."""
    problems = []
    replied = Invitation.objects.filter(event=event).exclude(status=Invitation.Status.INVITED).count()
    if replied != practitioners:
        problems.append(f"{practitioners - replied} of {practitioners} replies are missing")
    audited = defaultdict(int)
    for object_id in AuditEntry.objects.filter(action="rsvp.recorded").values_list("object_id", flat=True):
        audited[object_id] += 1
    ids = [str(pk) for pk in Invitation.objects.filter(event=event).values_list("pk", flat=True)]
    not_once = [pk for pk in ids if audited.get(pk, 0) != 1]
    if not_once:
        problems.append(f"{len(not_once)} replies are not audited exactly once")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practitioners", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=60, help="the practitioners' start times spread over this")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=64, help="practitioners in flight at once, at most")
    args = parser.parse_args()

    flush_redis()
    event, tokens, session = make_data(args.practitioners)
    port = free_port()
    server = start_gunicorn(port, args.workers)
    timings = Timings()
    chance = random.Random(2026)
    try:
        wait_until_serving(server, f"http://{HOST}:{port}/healthz")
        # Warm-up: each worker loads its templates and connects to the database.
        warm = Browser(port, session)
        for _ in range(4):
            warm.request("GET", event_path(event))
        warm.close()
        started = time.monotonic()
        manager = threading.Thread(
            target=business_manager, args=(port, event, session, timings, started + args.seconds + 5)
        )
        manager.start()
        delays = sorted(chance.uniform(0, args.seconds) for _ in tokens)
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            for n, (token, delay) in enumerate(zip(tokens, delays, strict=True)):
                pool.submit(practitioner, port, token, n, timings, started + delay, random.Random(n))
        manager.join()
        elapsed = time.monotonic() - started
    finally:
        stop(server)
        flush_redis()

    total = sum(len(values) for values in timings.times.values())
    print(
        f"The busiest hour: {args.practitioners} practitioners reply within {args.seconds}s while the business "
        f"manager reloads the event page every 2s; gunicorn x{args.workers}, production settings, PostgreSQL, Redis"
    )
    print(
        f"  {total} requests in {elapsed:.1f}s: {total / elapsed:.1f} requests per second; {len(timings.errors)} errors"
    )
    print(f"  {'step':<24} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    worst = 0.0
    for step in STEPS:
        values = timings.times.get(step, [])
        if not values:
            continue
        p50, p95, p99 = statistics.median(values), percentile(values, 0.95), percentile(values, 0.99)
        worst = max(worst, p95)
        print(f"  {step:<24} {len(values):>8} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f}")
        record(f"Busiest hour: {step}, 95th percentile", round(p95, 1), "ms", aim=AIM_P95_MS)
    for error in timings.errors[:10]:
        print(f"  error: {error}")
    problems = check_database(event, args.practitioners)
    for problem in problems:
        print(f"  database: {problem}")
    if not problems:
        print(f"  database: all {args.practitioners} replies recorded once, each audited once")
    record("Busiest hour: errors", len(timings.errors), "errors", aim=0)
    record("Busiest hour: replies not recorded exactly once", len(problems), "problems", aim=0)
    verdict = not timings.errors and not problems and worst < AIM_P95_MS
    print(f"  aims (no error, every p95 under {AIM_P95_MS} ms, every reply once): {'met' if verdict else 'NOT met'}")
    if not verdict:
        sys.exit(1)


if __name__ == "__main__":
    run(main)
