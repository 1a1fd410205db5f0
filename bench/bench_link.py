"""Requests per second of the practitioner's invitation page (GET invitation/<token>/) under gunicorn.

    .venv/bin/python bench/bench_link.py [--seconds 20] [--connections 8] [--workers 2]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/bench_perf REDIS_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/bench_link.py

The web server is gunicorn with sync workers on the production settings (CONVENE_PROFILE=production,
static files collected and served by whitenoise, DEBUG off), on a free local port. The load comes
from wrk in a second process when it is installed (apt-get install wrk), otherwise from a small
threaded Python client; each request says it came through an HTTPS proxy (X-Forwarded-Proto), as
behind the production load balancer. The page is the one an emailed link opens: it looks the link
up by its hash, checks the rate limit for bad links and renders the page with its button.

The database is SQLite in a temporary folder, or with BENCH_POSTGRES_URL a PostgreSQL database of
the benchmark's own (created and dropped). With REDIS_URL the cache (and so the rate limit) is that
Redis database; without it, the database cache.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet

# The production profile, set before Django starts (sandbox calls django.setup()).
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

from sandbox import VAR_DIR, database_label, run, sample_event  # isort: skip - sets up Django first

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from figures import record

from core import links
from events.models import Event, Invitation
from practitioners.models import Agency, Practitioner

ROOT = Path(__file__).resolve().parent.parent
HEADERS = {"X-Forwarded-Proto": "https"}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def invitation_link():
    """An invited practitioner's personal link to an event a month away: the path, with its token."""
    _partnership, event = sample_event()
    starts_at = (timezone.localtime() + timedelta(days=30)).replace(hour=10, minute=0, second=0, microsecond=0)
    Event.objects.filter(pk=event.pk).update(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        rsvp_deadline=(starts_at - timedelta(days=14)).date(),
        status=Event.Status.INVITATIONS_SENT,
    )
    agency = Agency.objects.create(partnership=event.review.partnership, name="Benchmark Health Trust")
    person = Practitioner.objects.create(
        partnership=event.review.partnership, full_name="Sam Green", job_title="Nurse", agency=agency
    )
    token, token_hash = links.new_token()
    Invitation.objects.create(
        event=event,
        practitioner=person,
        status=Invitation.Status.INVITED,
        token_hash=token_hash,
        token_expires_at=starts_at + timedelta(days=30),
        sent_at=timezone.now(),
    )
    return reverse("invitation:start", args=[token])


def get(url):
    request = urllib.request.Request(url, headers=HEADERS)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def start_gunicorn(port, workers):
    log = (Path(VAR_DIR) / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    return process


def wait_until_serving(process, url, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            status, body = get(url)
            if status == 200:
                return body
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log = (Path(VAR_DIR) / "gunicorn.log").read_text(errors="replace")[-3000:]
            raise SystemExit(f"gunicorn did not serve the page:\n{log}")
        time.sleep(0.3)


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def with_wrk(url, seconds, connections):
    """(requests per second, median latency, 99th percentile latency, requests) from wrk's report."""
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in output or "Socket errors" in output:
        raise SystemExit(f"Some requests failed:\n{output}")

    def latency(percentile):
        number, unit = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    return rate, latency(50), latency(99), total


def with_threads(url, seconds, connections):
    """The same figures from one thread per connection, each making requests one after another."""
    stop_at = time.monotonic() + seconds
    latencies, failures, lock = [], [], threading.Lock()

    def client():
        mine = []
        while time.monotonic() < stop_at:
            start = time.perf_counter()
            status, _ = get(url)
            mine.append((time.perf_counter() - start) * 1000)
            if status != 200:
                failures.append(status)
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{len(failures)} requests failed")
    latencies.sort()
    return (
        len(latencies) / (time.monotonic() - started),
        latencies[len(latencies) // 2],
        latencies[int(len(latencies) * 0.99)],
        len(latencies),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8, help="requests in flight at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--python-client", action="store_true", help="use the Python client even if wrk is there")
    args = parser.parse_args()

    call_command("collectstatic", interactive=False, verbosity=0)
    path = invitation_link()
    port = free_port()
    url = f"http://127.0.0.1:{port}{path}"
    server = start_gunicorn(port, args.workers)
    try:
        body = wait_until_serving(server, url)
        assert b"You are invited to a practitioner event" in body, "the page is the invitation page"
        load = with_threads if args.python_client or not shutil.which("wrk") else with_wrk
        client = "wrk" if load is with_wrk else "a threaded Python client"
        load(url, 3, args.connections)  # warm-up: each worker loads its templates and connects
        rate, median, p99, total = load(url, args.seconds, args.connections)
    finally:
        stop(server)
    print(
        f"Invitation page (GET), gunicorn x{args.workers} sync workers, production settings, "
        f"{database_label()}, cache: {'Redis' if os.environ.get('REDIS_URL') else 'database'}"
    )
    print(f"  load from {client}, {args.connections} connections, {args.seconds}s: {total} requests")
    print(f"  {rate:7.1f} requests per second; latency median {median:.1f} ms, 99th percentile {p99:.1f} ms")
    record(
        f"Invitation page: requests per second (gunicorn x{args.workers}, {client})",
        round(rate, 1),
        "req/s",
        note=f"median {median:.1f} ms, 99th percentile {p99:.1f} ms, {args.connections} connections",
    )


if __name__ == "__main__":
    run(main)
