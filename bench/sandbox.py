"""What the PDF benchmarks share: a throwaway SQLite database and upload folder, a sample event, a timer.

Import it before anything from Django: it sets the environment, then calls django.setup().
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
VAR_DIR = tempfile.mkdtemp(prefix="convene-bench-")
os.environ["CONVENE_VAR_DIR"] = VAR_DIR
os.environ["MEDIA_ROOT"] = str(Path(VAR_DIR) / "uploads")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # WeasyPrint logs every step at INFO

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from events.models import Event  # noqa: E402
from reviews.models import Partnership, Review  # noqa: E402

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


def run(main):
    """Run a benchmark's main(), then remove the temporary folder whatever happens."""
    try:
        main()
    finally:
        shutil.rmtree(VAR_DIR, ignore_errors=True)
