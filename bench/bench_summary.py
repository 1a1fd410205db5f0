"""Time the confidential summary's PDF for one reader, stamped and not, for 30 pages.

    .venv/bin/python bench/bench_summary.py

Two versions of the same 30-page summary: written in Convene (laid out once per version and
cached; each reader's stamp is drawn over it) and uploaded as a PDF (the stamp drawn over the file).
Each is timed stamped for one reader and plain (median of 3, after one warm-up render).
Runs on a throwaway SQLite database and upload folder in a temporary folder, whatever
DATABASE_URL and MEDIA_ROOT say.
"""

import io
from datetime import date

from sandbox import run, sample_event, timed  # isort: skip - sets up Django first

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from figures import record
from pypdf import PdfReader

from events.summary_documents import add_version, render_plain_pdf, render_reader_pdf

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


def pages_of(pdf):
    return len(PdfReader(io.BytesIO(pdf)).pages)


def main():
    _partnership, event = sample_event()

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
        def uncached():
            cache.clear()
            return render()

        return uncached

    stamped(written)  # warm-up: loads the fonts
    assert pages_of(stamped(written)) == pages_of(stamped(uploaded)) == pages_of(plain)
    rows = [
        (
            "written (HTML): without the stamp, laid out from scratch",
            timed(cold(lambda: render_plain_pdf(written)), RUNS),
        ),
        ("written (HTML): stamped for one reader", timed(lambda: stamped(written), RUNS)),
        ("written (HTML): stamped for one reader, nothing cached", timed(cold(lambda: stamped(written)), RUNS)),
        ("uploaded PDF: without the stamp (the file as stored)", timed(lambda: render_plain_pdf(uploaded), RUNS)),
        ("uploaded PDF: stamped for one reader", timed(lambda: stamped(uploaded), RUNS)),
    ]
    print(f"A summary of {pages_of(plain)} pages, median of {RUNS}:")
    for label, seconds in rows:
        print(f"  {label:60} {seconds:6.3f}s")
        record(f"Summary of {pages_of(plain)} pages, {label} (median of {RUNS})", round(seconds, 4), "s")


if __name__ == "__main__":
    run(main)
