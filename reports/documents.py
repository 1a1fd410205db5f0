"""The draft report's versions: uploads checked and converted, numbered, and rendered as PDFs.

A Word document becomes sanitised HTML whose block paragraphs (paragraphs, headings, list items)
are numbered 1..N; a PDF is kept as it is, numbered by page, with its text kept page by page so
the browser can show it. Comments point at these numbers, so a version never changes once stored.
Uploads go through the one upload check every page uses (core/uploads.py).
"""

from core import audit, numbering, versions
from core.errors import DomainError
from core.formatting import long_date
from core.pdfs import render_pdf
from core.stamping import stamp_pdf
from core.uploads import DOCUMENTS, check_upload, original_filename
from reports.models import ReportVersion, SignOff
from reviews.models import Review
from reviews.services import move_forward

DRAFT_STAMP = "Draft — for factual-accuracy check only"

SIGNED_OFF = "The report has been signed off, so no new version can be added"
_NO_TEXT_WORD = "The Word document has no text in it"


def units(version):
    """[(number, text)] of the version's paragraphs (Word) or pages (PDF), in order."""
    return numbering.units(version.body_html)


# Versions.


def is_signed_off(review):
    return SignOff.objects.filter(review=review).exists()


def add_version(review, *, upload, created_by, request=None):
    """Check the upload and store it as the review's next draft version, with its anonymisation check."""
    from reports import anonymisation

    if is_signed_off(review):
        raise DomainError(SIGNED_OFF, field="file")
    source, payload = check_upload(upload, accept=DOCUMENTS, field="file")
    if source == ReportVersion.Source.DOCX:
        body_html, unit_count = numbering.number_html(payload)
        if unit_count == 0:
            raise DomainError(_NO_TEXT_WORD, field="file")
    else:
        body_html, unit_count = numbering.pdf_pages_html(payload)
    is_pdf = source == ReportVersion.Source.PDF

    def build(locked, number):
        # Signed off while this upload was being checked: refused now that the review is locked.
        if is_signed_off(locked):
            raise DomainError(SIGNED_OFF, field="file")
        return ReportVersion(
            review=locked,
            number=number,
            source=source,
            body_html=body_html,
            unit_count=unit_count,
            original_filename=original_filename(upload),
            created_by=created_by,
        )

    def after_save(locked, version):
        hits = anonymisation.check(version)
        audit.record(
            "report.version_added",
            request=request,
            actor=created_by,
            partnership=locked.partnership,
            obj=version,
            review_id=locked.pk,
            number=version.number,
            source=source,
            units=unit_count,
            names_found=len(hits),
        )
        # A first draft means the review is being written up, if it was not already.
        move_forward(locked, Review.Status.DRAFTING, changed_by=created_by, request=request)

    return versions.add_version(
        Review.objects.select_related("partnership"),
        review.pk,
        "report_versions",
        build=build,
        pdf=payload if is_pdf else None,
        after_save=after_save,
        render=_word_pdf,
    )


def versions_of(review):
    return review.report_versions.select_related("created_by").order_by("-number")


def version_html(version):
    """The version as numbered HTML for the browser: each unit carries id="paragraph-N" (or "page-N")."""
    return numbering.clean(version.body_html)


# Rendering.


def _context(version, stamp=None):
    review = version.review
    return {
        "version": version,
        "review": review,
        "partnership": review.partnership,
        "body": version_html(version),
        "stamp": stamp,
        "draft": DRAFT_STAMP,
    }


def render_plain_pdf(version):
    """The version's PDF with its numbers and no stamp: an uploaded PDF exactly as it was uploaded."""
    if version.source == ReportVersion.Source.PDF:
        return version.file_bytes()
    return _word_pdf(version)


def render_reader_pdf(version, *, reader_name, when):
    """The version's PDF, every page stamped with the reader's name, the date and
    "Draft — for factual-accuracy check only"."""
    stamp = {"reader": reader_name, "date": long_date(when), "label": DRAFT_STAMP, "title": "Draft report stamp"}
    return stamp_pdf(render_plain_pdf(version), "core/pdfs/reader_stamp.html", _context(version, stamp))


def _word_pdf(version):
    """A Word version laid out by WeasyPrint with its paragraph numbers, rendered once and kept
    (encrypted) in the cache."""
    body = version.body_html or ""
    return versions.cached_pdf(
        "report-pdf", version, body, lambda: render_pdf("reports/pdfs/report.html", _context(version))
    )
