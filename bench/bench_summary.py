"""Time the confidential summary's PDF for one reader, stamped and not, for 30 pages.

    .venv/bin/python bench/bench_summary.py

Two versions of the same 30-page summary: written in Convene (HTML, stamped in the page margins
in one render) and uploaded as a PDF (a stamp page rendered once and merged onto every page).
Each is timed stamped for one reader and plain (median of 3, after one warm-up render).
Runs on a throwaway SQLite database and upload folder in a temporary folder, whatever
DATABASE_URL and MEDIA_ROOT say.
"""

import io
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

from django.core.cache import cache  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from events.models import Event  # noqa: E402
from events.summary_documents import add_version, render_plain_pdf, render_reader_pdf  # noqa: E402
from reviews.models import Partnership, Review  # noqa: E402

LONDON = ZoneInfo("Europe/London")
PAGES = 30
RUNS = 3
SENTENCE = (
    "The health visitor saw Child Z at home and noted that the family had moved twice in the year; "
    "the referral to children's social care was discussed with the GP but not made until later. "
)


def summary_text(sections):
    """Plain-editor text: headings, paragraphs and lists, roughly a page a section."""
    parts = []
    for n in range(1, sections + 1):
        parts.append(f"## {n}. What happened in period {n}")
        parts.append(SENTENCE * 6)
        parts.append(f"### Agencies involved in period {n}")
        parts.append("- Police: *two* call-outs\n- Health: **three** visits\n- School: attendance at 71%")
        parts.append("1. First contact\n2. Referral\n3. Strategy discussion")
        parts.append(SENTENCE * 5)
    return "\n\n".join(parts)


def timed(render):
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pages_of(pdf):
    return len(PdfReader(io.BytesIO(pdf)).pages)


def main():
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

    # Find how many sections make 30 pages, so both versions are the same length.
    sections = PAGES
    while True:
        written = add_version(event, text=summary_text(sections), created_by=None)
        plain = render_plain_pdf(written)
        if pages_of(plain) >= PAGES:
            break
        sections += max(1, (PAGES - pages_of(plain)) * sections // max(pages_of(plain), 1) // 2)
    uploaded = add_version(event, upload=SimpleUploadedFile("summary.pdf", plain), created_by=None)

    today = date(2026, 11, 23)

    def stamped(version):
        return render_reader_pdf(version, reader_name="Sam Green", when=today)

    def cold(render):
        # As if no reader had asked before: the laid-out PDF is not in the cache.
        def run():
            cache.clear()
            return render()

        return run

    stamped(written)  # warm-up: loads the fonts
    assert pages_of(stamped(written)) == pages_of(stamped(uploaded)) == pages_of(plain)
    rows = [
        ("written (HTML): without the stamp, laid out from scratch", timed(cold(lambda: render_plain_pdf(written)))),
        ("written (HTML): stamped for one reader", timed(lambda: stamped(written))),
        ("written (HTML): stamped for one reader, nothing cached", timed(cold(lambda: stamped(written)))),
        ("uploaded PDF: without the stamp (the file as stored)", timed(lambda: render_plain_pdf(uploaded))),
        ("uploaded PDF: stamped for one reader", timed(lambda: stamped(uploaded))),
    ]
    print(f"A summary of {pages_of(plain)} pages, median of {RUNS}:")
    for label, seconds in rows:
        print(f"  {label:60} {seconds:6.3f}s")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(VAR_DIR, ignore_errors=True)
