"""Time the invitees' and agencies' reminder sweeps (events.reminders.run and practitioners.nominations.run_reminders,
each run by the beat every ten minutes) over 100,000 invitations, most of them not due.

    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/bench_perf \\
        .venv/bin/python bench/bench_reminders.py [--partnerships 100] [--explain]

100 partnerships, each with 5 reviews of 4 events of 50 invitees (100,000 invitations), events
spread from five weeks ago to a year ahead, replies of every kind, some links stopped, and
partnerships with different reminder settings. The first pass writes the reminders that are due;
the passes after it find the same invitations and write nothing (each reminder is sent once): that
is the cost of the sweep every ten minutes. --explain prints PostgreSQL's plan for each query of
a pass (EXPLAIN ANALYZE). Without BENCH_POSTGRES_URL it runs on SQLite in a temporary folder.
"""

import argparse
import hashlib
import os
import statistics
import time
from datetime import date, datetime, timedelta

from sandbox import LONDON, POSTGRES_URL, VAR_DIR, database_label, run  # isort: skip - sets up Django first

from django.conf import settings
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from figures import record

from core.models import Partnership
from events import reminders
from events.models import Event, Invitation
from notifications.models import OutboundMessage
from practitioners import nominations
from practitioners.models import Agency, NominationRequest, Practitioner
from reviews.models import Review

AIM_SECONDS = 2.0
REVIEWS_EACH = 5
EVENTS_EACH = 4
INVITEES_EACH = 50
PEOPLE_EACH = 400
PASSES = 5
# Replies, in proportion: most have replied one way or the other, many are still waiting.
REPLIES = [Invitation.Status.INVITED] * 4 + [Invitation.Status.ACCEPTED] * 4 + [Invitation.Status.DECLINED] * 2
SETTINGS = [(2, "7, 1"), (2, "7, 1"), (3, "14, 2"), (0, "3"), (1, "7")]


def fake_hash(*parts):
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def make_data(partnerships, now):
    """Bulk-create the partnerships, directories, reviews, events, invitations and nomination requests."""
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    today = now.date()
    made = Partnership.objects.bulk_create(
        Partnership(
            name=f"Benchmark Partnership {p:03d}",
            slug=f"bench-{p:03d}",
            kind=Partnership.Kind.CHILDREN,
            contact_name="Sam Bench",
            contact_email=f"bench{p}@example.org",
            contact_phone="01632 960 000",
            rsvp_reminder_working_days=SETTINGS[p % len(SETTINGS)][0],
            event_reminder_days=SETTINGS[p % len(SETTINGS)][1],
        )
        for p in range(partnerships)
    )
    agencies = Agency.objects.bulk_create(
        Agency(partnership=partnership, name=f"Agency {a}", lead_email=f"lead{a}@p{partnership.pk}.example")
        for partnership in made
        for a in range(4)
    )
    agencies_of = {}
    for agency in agencies:
        agencies_of.setdefault(agency.partnership_id, []).append(agency)
    people = Practitioner.objects.bulk_create(
        Practitioner(
            partnership=partnership,
            full_name=f"Person {n:04d}",
            job_title="Nurse",
            agency=agencies_of[partnership.pk][n % 4],
            email=f"person{n}@p{partnership.pk}.example",
        )
        for partnership in made
        for n in range(PEOPLE_EACH)
    )
    people_of = {}
    for person in people:
        people_of.setdefault(person.partnership_id, []).append(person)
    reviews = Review.objects.bulk_create(
        Review(
            partnership=partnership,
            review_type=Review.Type.CSPR,
            reference=f"CSPR 2026-{r:02d}",
            pseudonym=f"Child {r}",
            scope_start=date(2025, 1, 1),
            scope_end=date(2025, 12, 31),
            status=Review.Status.PRACTITIONER_EVENT,
        )
        for partnership in made
        for r in range(REVIEWS_EACH)
    )
    events = []
    for n, review in enumerate(reviews):
        for e in range(EVENTS_EACH):
            k = n * EVENTS_EACH + e
            # Spread over about 400 days, from five weeks ago to a year ahead.
            starts_at = datetime.combine(today + timedelta(days=(k * 173) % 400 - 35), datetime.min.time()).replace(
                hour=10, tzinfo=LONDON
            )
            past = starts_at < now
            events.append(
                Event(
                    review=review,
                    title=f"Practitioner learning event for {review.pseudonym}",
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=3),
                    venue_name="Civic Centre",
                    capacity=INVITEES_EACH,
                    rsvp_deadline=(starts_at - timedelta(days=14)).date(),
                    status=(
                        Event.Status.HELD
                        if past
                        else Event.Status.CANCELLED
                        if k % 23 == 0
                        else Event.Status.DRAFT
                        if k % 31 == 0
                        else Event.Status.INVITATIONS_SENT
                    ),
                )
            )
    events = Event.objects.bulk_create(events)
    review_partnership = {review.pk: review.partnership_id for review in reviews}
    count = 0
    batch = []
    for event in events:
        directory = people_of[review_partnership[event.review_id]]
        first = (event.pk * 37) % len(directory)
        for i in range(INVITEES_EACH):
            status = REPLIES[(event.pk + i) % len(REPLIES)]
            if event.status == Event.Status.DRAFT:
                status = Invitation.Status.NOT_SENT
            batch.append(
                Invitation(
                    event=event,
                    practitioner=directory[(first + i) % len(directory)],
                    status=status,
                    token_hash=None if status == Invitation.Status.NOT_SENT else fake_hash("invitation", event.pk, i),
                    token_expires_at=event.ends_at + timedelta(days=30),
                    token_revoked_at=now - timedelta(days=1) if i % 17 == 0 else None,
                    sent_at=None if status == Invitation.Status.NOT_SENT else now - timedelta(days=20),
                )
            )
            count += 1
        if len(batch) >= 5000:
            Invitation.objects.bulk_create(batch)
            batch = []
    Invitation.objects.bulk_create(batch)
    NominationRequest.objects.bulk_create(
        NominationRequest(
            review=review,
            agency=agencies_of[review.partnership_id][a],
            token_hash=fake_hash("nomination", review.pk, a),
            token_expires_at=now + timedelta(days=60),
            deadline=today + timedelta(days=(review.pk * 7 + a) % 90),
        )
        for review in reviews
        for a in range(2)
    )
    return count, len(events)


def sweep(now):
    """One pass of both sweeps, as the beat runs them."""
    return reminders.run(now) | {"nomination": nominations.run_reminders(now)}


def timed_pass(now):
    start = time.perf_counter()
    counts = sweep(now)
    return time.perf_counter() - start, counts


def timed_kinds(now):
    """Each kind of reminder on its own, each in its transaction as the sweeps run it."""
    from django.db import transaction

    times = {}
    for name, sweep in (
        ("rsvp", reminders.rsvp_reminders),
        ("event", reminders.event_reminders),
        ("nomination", nominations.nomination_reminders),
    ):
        start = time.perf_counter()
        with transaction.atomic():
            sweep(now)
        times[name] = time.perf_counter() - start
    return times


def explain(now):
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        sweep(now)
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        print(f"\n-- {float(query['time']) * 1000:.1f} ms: {sql[:400]}{'…' if len(sql) > 400 else ''}")
        with connection.cursor() as cursor:
            if POSTGRES_URL:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            else:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            for row in cursor.fetchall():
                print("   ", " ".join(str(part) for part in row))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=100)
    parser.add_argument("--explain", action="store_true", help="print the plan of each query of a pass")
    args = parser.parse_args()
    for folder in ("queue", "processed"):  # the demo broker's folders: each reminder is handed to it
        (settings.BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    os.chdir(VAR_DIR)  # the demo broker also writes a control folder where it runs

    now = datetime.now(LONDON).replace(hour=9, minute=0, second=0, microsecond=0)
    started = time.perf_counter()
    invitations, events = make_data(args.partnerships, now)
    if POSTGRES_URL:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{invitations:,} invitations at {events:,} events of {args.partnerships} partnerships "
        f"({database_label()}) made in {time.perf_counter() - started:.1f}s"
    )

    first, counts = timed_pass(now)
    written = OutboundMessage.objects.count()
    steady = [timed_pass(now)[0] for _ in range(PASSES)]
    assert OutboundMessage.objects.count() == written, "a later pass sent a reminder again"
    kinds = [timed_kinds(now) for _ in range(3)]
    reset_queries()  # the log keeps at most 9,000 queries: a full one would count this pass as none
    with CaptureQueriesContext(connection) as captured:
        sweep(now)
    print(f"First pass: {first:.2f}s, writing {written} reminders ({', '.join(f'{k} {v}' for k, v in counts.items())})")
    print(
        f"Passes with nothing new to send, median of {PASSES}: {statistics.median(steady):.3f}s, "
        f"{len(captured)} queries (aim: under {AIM_SECONDS:.0f}s)"
    )
    for name in kinds[0]:
        print(f"  {name:11} {statistics.median(k[name] for k in kinds):.3f}s")
    record(
        f"Reminder sweep over {invitations:,} invitations, nothing new to send",
        round(statistics.median(steady), 3),
        "s",
        aim=AIM_SECONDS,
        note=f"{len(captured)} queries",
    )
    record(
        f"Reminder sweep, first pass: writing the {written} reminders due",
        round(first, 2),
        "s",
        note=f"{first / max(written, 1) * 1000:.0f} ms a reminder (rendering and the outbox row)",
    )
    if args.explain:
        explain(now)


if __name__ == "__main__":
    run(main)
