"""Time the PDFs: a factsheet (median of 5 renders) and a sign-in sheet for 60 invitees.

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/bench_pdfs.py

Runs on a throwaway SQLite database in a temporary folder, whatever DATABASE_URL says.
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
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # WeasyPrint logs every step at INFO

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from events.models import Event, Invitation  # noqa: E402
from events.pdfs import render_sign_in_sheet  # noqa: E402
from practitioners.models import Agency, Practitioner  # noqa: E402
from reviews.factsheets import factsheet_for, render_factsheet_pdf  # noqa: E402
from reviews.models import Partnership, Review  # noqa: E402

LONDON = ZoneInfo("Europe/London")


def timed(render, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    call_command("migrate", verbosity=0)
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
    agency = Agency.objects.create(partnership=partnership, name="Benchmark Health Trust")
    people = Practitioner.objects.bulk_create(
        Practitioner(partnership=partnership, full_name=f"Person {n:02d}", job_title="Nurse", agency=agency)
        for n in range(60)
    )
    Invitation.objects.bulk_create(
        Invitation(event=event, practitioner=person, status=Invitation.Status.ACCEPTED if n % 4 else "invited")
        for n, person in enumerate(people)
    )
    factsheet = factsheet_for(partnership, Review.Type.CSPR)
    render_factsheet_pdf(factsheet)  # the first render loads fonts; leave it out
    factsheet_time = timed(lambda: render_factsheet_pdf(factsheet, event=event), 5)
    sheet_time = timed(lambda: render_sign_in_sheet(event), 3)
    print(f"factsheet with an event box, median of 5: {factsheet_time:.3f}s")
    print(f"sign-in sheet of 60 invitees, median of 3: {sheet_time:.3f}s")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(VAR_DIR, ignore_errors=True)
