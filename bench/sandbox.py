"""What the benchmarks share: a throwaway database and upload folder, a sample event, a timer.

Import it before anything from Django: it sets the environment, then calls django.setup().
The database is SQLite in a temporary folder, whatever DATABASE_URL says, unless
BENCH_POSTGRES_URL names a PostgreSQL database of the benchmark's own
(postgres://postgres@127.0.0.1:5432/bench_perf): it is created here and dropped by run().
"""

import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import databases  # isort: skip - the sibling module, no Django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
VAR_DIR = tempfile.mkdtemp(prefix="convene-bench-")
os.environ["CONVENE_VAR_DIR"] = VAR_DIR
os.environ["MEDIA_ROOT"] = str(Path(VAR_DIR) / "uploads")
os.environ["STATIC_ROOT"] = str(Path(VAR_DIR) / "static")  # read only on the production profile
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "")
if POSTGRES_URL:
    databases.create(POSTGRES_URL)
    os.environ["DATABASE_URL"] = POSTGRES_URL
else:
    os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # WeasyPrint logs every step at INFO

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from core.models import Partnership  # noqa: E402
from events.models import Event  # noqa: E402
from reviews.models import Review  # noqa: E402

LONDON = ZoneInfo("Europe/London")


def timed(render, runs):
    """The median time of `runs` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sample_event():
    """Migrate the throwaway database and make a partnership, a CSPR and an event: (partnership, event)."""
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
    review = Review.objects.create(
        partnership=partnership,
        review_type=Review.Type.CSPR,
        reference="CSPR 2026-99",
        pseudonym="Child Z",
        scope_start=date(2025, 1, 1),
        scope_end=date(2025, 12, 31),
    )
    event = Event.objects.create(
        review=review,
        title="Practitioner learning event for Child Z",
        starts_at=datetime(2026, 12, 8, 10, tzinfo=LONDON),
        ends_at=datetime(2026, 12, 8, 13, tzinfo=LONDON),
        venue_name="Civic Centre",
        capacity=60,
        rsvp_deadline=date(2026, 11, 24),
    )
    return partnership, event


def database_label():
    return "PostgreSQL" if POSTGRES_URL else "SQLite"


def run(main):
    """Run a benchmark's main(), then remove the temporary folder (and database) whatever happens."""
    try:
        main()
    finally:
        if POSTGRES_URL:
            from django.db import connections

            connections.close_all()
            databases.drop(POSTGRES_URL)
        shutil.rmtree(VAR_DIR, ignore_errors=True)
