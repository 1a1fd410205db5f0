"""Server time of two busy staff pages, each against a page that renders only the base layout.

    .venv/bin/python bench/bench_pages.py [--requests 60]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/bench_perf .venv/bin/python bench/bench_pages.py

- the event page (event_detail) of an event with 500 invitees, most of them sent an invitation;
- the dashboard (partnership_overview) of a partnership with 50 open reviews;
- the base layout alone, with the same middleware, the same sign-in and the same navigation.

The event page and the dashboard keep their HTML in the cache until something they show changes
(core/stamps.py): each is timed as found there, and again made afresh, with its stamp moved just
before each request, as after any change. With REDIS_URL the cache is Redis, as in production;
without it, the database cache.

Each page is fetched by a signed-in business manager with an authenticator app, through Django's
WSGI handler in this process (no network, no web server). The requests take turns so that any
slowdown of the machine falls on all three alike; the first few of each are left out.
"""

import argparse
import io
import statistics
import sys
import time
from datetime import date, datetime, timedelta

from sandbox import LONDON, database_label, run  # isort: skip - sets up Django first

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from figures import record

from core import links, stamps
from core.models import Membership, Partnership, User
from events.models import Event, Invitation
from notifications.models import OutboundMessage
from practitioners.models import Agency, NominationRequest, Practitioner
from reviews.models import LearningTheme, Review

WARM_UP = 5
AIM = 2.0
EVENT_INVITEES = 500
DASHBOARD_REVIEWS = 50
DASHBOARD_INVITEES = 20
STATUSES = [
    Invitation.Status.INVITED,
    Invitation.Status.ACCEPTED,
    Invitation.Status.ACCEPTED,
    Invitation.Status.DECLINED,
]
OPEN_STATUSES = [
    Review.Status.SCOPING,
    Review.Status.GATHERING,
    Review.Status.PRACTITIONER_EVENT,
    Review.Status.DRAFTING,
    Review.Status.FACTUAL_ACCURACY,
]


def make_partnership():
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    partnership = Partnership.objects.create(
        name="Benchmark Safeguarding Partnership",
        slug="bench",
        kind=Partnership.Kind.CHILDREN,
        contact_name="Sam Bench",
        contact_email="bench@example.org",
        contact_phone="01632 960 000",
    )
    manager = User.objects.create_user(
        "manager@bench.example", "a long and memorable passphrase", full_name="Sam Bench"
    )
    Membership.objects.create(user=manager, partnership=partnership, role=Membership.Role.BUSINESS_MANAGER)
    TOTP.activate(manager, generate_totp_secret())
    reviewer = User.objects.create_user("reviewer@bench.example", "another long passphrase", full_name="Ren Viewer")
    Membership.objects.create(user=reviewer, partnership=partnership, role=Membership.Role.REVIEWER)
    agencies = [
        Agency.objects.create(
            partnership=partnership, name=f"Benchmark Agency {n:02d}", lead_email=f"lead{n}@bench.example"
        )
        for n in range(12)
    ]
    return partnership, manager, reviewer, agencies


def make_review(partnership, reviewer, n, status):
    review = Review(
        partnership=partnership,
        review_type=Review.Type.CSPR if n % 3 else Review.Type.SAR,
        reference=f"CSPR 2026-{n:03d}",
        pseudonym=f"Child {n}",
        scope_start=date(2025, 1, 1),
        scope_end=date(2025, 12, 31),
        status=status,
        target_completion_on=date(2027, 3, 1) + timedelta(days=n),
    )
    review.set_subject_name(f"Subject Person {n}")
    review.save()
    review.reviewers.add(reviewer)
    LearningTheme.objects.create(review=review, title="Information sharing", position=0)
    return review


def make_event(review, starts_at, invitees, agencies, first):
    """An event with `invitees` people on its list, replies of every kind, and the emails they were sent."""
    event = Event.objects.create(
        review=review,
        title=f"Practitioner learning event for {review.pseudonym}",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        venue_name="Civic Centre",
        venue_address="1 High Street\nBenchton",
        capacity=max(invitees, 40),
        rsvp_deadline=(starts_at - timedelta(days=14)).date(),
        status=Event.Status.INVITATIONS_SENT,
    )
    event.learning_themes.set(review.learning_themes.all())
    people = Practitioner.objects.bulk_create(
        Practitioner(
            partnership=review.partnership,
            full_name=f"Person {first + n:05d}",
            job_title="Health visitor",
            agency=agencies[n % len(agencies)],
            email=f"person{first + n:05d}@bench.example",
        )
        for n in range(invitees)
    )
    sent_at = starts_at - timedelta(days=30)
    invitations = Invitation.objects.bulk_create(
        Invitation(
            event=event,
            practitioner=person,
            status=Invitation.Status.NOT_SENT if n % 10 == 9 else STATUSES[n % len(STATUSES)],
            token_hash=None if n % 10 == 9 else links.new_token()[1],
            token_expires_at=starts_at + timedelta(days=30),
            sent_at=None if n % 10 == 9 else sent_at,
            access_needs="A hearing loop, please." if n % 13 == 0 else "",
            line_manager_attending=(n % 5 == 0) or None,
        )
        for n, person in enumerate(people)
    )
    messages = []
    for invitation in invitations:
        if invitation.status == Invitation.Status.NOT_SENT:
            continue
        for kind in (
            ("invitation", "rsvp_reminder") if invitation.status == Invitation.Status.INVITED else ("invitation",)
        ):
            messages.append(
                OutboundMessage(
                    partnership=review.partnership,
                    about_type="events.invitation",
                    about_id=invitation.pk,
                    kind=kind,
                    idempotency_key=f"{kind}:{invitation.pk}",
                    recipient=invitation.practitioner.email,
                    subject=f"{review.reference}: practitioner learning event",
                    body_text="An invitation.",
                    state=OutboundMessage.State.SENT,
                    created_at=sent_at,
                    sent_at=sent_at,
                )
            )
    OutboundMessage.objects.bulk_create(messages)
    return event


def make_data():
    partnership, manager, reviewer, agencies = make_partnership()
    soon = datetime.now(LONDON).replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=30)
    big_review = make_review(partnership, reviewer, 0, Review.Status.PRACTITIONER_EVENT)
    big_event = make_event(big_review, soon, EVENT_INVITEES, agencies, first=0)
    first = EVENT_INVITEES
    for n in range(1, DASHBOARD_REVIEWS):
        review = make_review(partnership, reviewer, n, OPEN_STATUSES[n % len(OPEN_STATUSES)])
        if n % 2:  # half the reviews have an event coming up, some within the fortnight
            make_event(review, soon - timedelta(days=25 - n % 25), DASHBOARD_INVITEES, agencies, first)
            first += DASHBOARD_INVITEES
        if n % 5 == 0:  # and some are still waiting for agencies to name their staff
            for agency in agencies[:3]:
                NominationRequest.objects.create(
                    review=review,
                    agency=agency,
                    token_hash=links.new_token()[1],
                    token_expires_at=soon,
                    deadline=soon.date(),
                )
    assert Review.objects.open().filter(partnership=partnership).count() == DASHBOARD_REVIEWS
    return partnership, manager, big_event


class Fetcher:
    """GET a path through the WSGI handler as the signed-in user: (status, seconds, body)."""

    def __init__(self, user):
        client = Client()
        client.force_login(user)
        self.cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
        self.handler = WSGIHandler()

    def __call__(self, path):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "testserver",
            "HTTP_COOKIE": self.cookie,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status = []
        start = time.perf_counter()
        response = self.handler(environ, lambda line, headers, exc_info=None: status.append(line))
        body = b"".join(response)
        response.close()
        return status[0], time.perf_counter() - start, body


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60, help="timed requests of each page")
    parser.add_argument("--profile", choices=["event", "dashboard", "layout"], help="print a pyinstrument profile")
    args = parser.parse_args()

    started = time.perf_counter()
    partnership, manager, event = make_data()
    if connection.vendor == "postgresql":
        # Table statistics, as autovacuum would gather them after a load this size: without them the
        # planner guesses one row a table and joins the 500 invitees the slow way.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"Data ready ({database_label()}) in {time.perf_counter() - started:.1f}s")
    pages = {
        "layout": reverse("bench_layout_only", args=[partnership.slug]),
        "event": reverse("events:event_detail", args=[partnership.slug, event.pk]),
        "dashboard": reverse("overview:partnership_overview", args=[partnership.slug]),
    }
    fetch = Fetcher(manager)
    queries, sizes = {}, {}
    for name, path in pages.items():
        status, _, body = fetch(path)
        if not status.startswith("200"):
            raise SystemExit(f"{path} answered {status}")
        with CaptureQueriesContext(connection) as captured:
            fetch(path)
        queries[name], sizes[name] = len(captured), len(body)
    assert b"Person 00000" in fetch(pages["event"])[2], "the event page lists the invitees"

    if args.profile:
        try:
            from pyinstrument import Profiler
        except ImportError:  # not installed: the standard library's profiler
            import cProfile
            import pstats

            with cProfile.Profile() as profiler:
                for _ in range(20):
                    fetch(pages[args.profile])
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            return
        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(20):
                fetch(pages[args.profile])
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return

    # The same two pages made afresh, as after any change to what they show: their stamps move first.
    afresh = {
        "event afresh": (pages["event"], f"event:{event.pk}"),
        "dashboard afresh": (pages["dashboard"], f"partnership:{partnership.pk}"),
    }
    for name, (path, stamp) in afresh.items():
        stamps.bump(stamp)
        with CaptureQueriesContext(connection) as captured:
            _, _, body = fetch(path)
        queries[name], sizes[name] = len(captured), len(body)
    times = {name: [] for name in [*pages, *afresh]}
    for round_ in range(WARM_UP + args.requests):
        for name, path in pages.items():
            _, seconds, _ = fetch(path)
            if round_ >= WARM_UP:
                times[name].append(seconds)
        for name, (path, stamp) in afresh.items():
            stamps.bump(stamp)
            _, seconds, _ = fetch(path)
            if round_ >= WARM_UP:
                times[name].append(seconds)
    median = {name: statistics.median(values) for name, values in times.items()}

    labels = {
        "layout": "base layout only",
        "event": f"event page, {EVENT_INVITEES} invitees",
        "dashboard": f"dashboard, {DASHBOARD_REVIEWS} reviews",
    }
    labels |= {
        "event afresh": "  made afresh after a change",
        "dashboard afresh": "  made afresh after a change",
    }
    print(f"Median of {args.requests} requests each, after {WARM_UP} warm-up requests:")
    for name in ["layout", "event", "event afresh", "dashboard", "dashboard afresh"]:
        ratio = median[name] / median["layout"]
        verdict = (
            ""
            if name not in ("event", "dashboard")
            else f"  {ratio:4.1f}x the layout ({'meets' if ratio <= AIM else 'misses'} {AIM:.0f}x)"
        )
        print(
            f"  {labels[name]:28} {median[name] * 1000:7.1f} ms  {queries[name]:3d} queries  "
            f"{sizes[name] / 1024:5.0f} KiB{verdict}"
        )
    record(
        "Base layout alone: server time", round(median["layout"] * 1000, 1), "ms", note=f"{queries['layout']} queries"
    )
    for name in ("event", "dashboard"):
        ratio = median[name] / median["layout"]
        record(
            f"{labels[name].capitalize()}: server time",
            round(median[name] * 1000, 1),
            "ms",
            note=f"{queries[name]} queries",
        )
        record(f"{labels[name].capitalize()}: against the layout", round(ratio, 2), "x", aim=AIM)
        record(
            f"{labels[name].capitalize()}, made afresh after a change: against the layout",
            round(median[f"{name} afresh"] / median["layout"], 2),
            "x",
        )


if __name__ == "__main__":
    with override_settings(ROOT_URLCONF="bench_urls", DEBUG=False):
        run(main)
