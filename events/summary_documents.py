"""The reviewer's confidential pre-event summary: its content, its versions, and each reader's PDF.

Content comes three ways: written in the plain editor (`text_to_html`), a Word document
(converted by mammoth) or a PDF kept as it is. Every HTML body goes through `sanitise`. Uploads
are checked by their content, never their name, and nothing is stored when a check fails.
"""

import html
import re

from core import audit, versions
from core.errors import DomainError
from core.formatting import uk_date
from core.pdfs import render_pdf
from core.stamping import stamp_pdf
from core.uploads import MAX_TEXT_LENGTH, check_upload, original_filename, sanitise
from events.models import Event, SummaryVersion

CONFIDENTIAL = "Confidential — do not share"


# The plain editor.

HEADING_RE = re.compile(r"^(#{2,3}) +(.*)$")
BULLET_RE = re.compile(r"^[-*•] +(.*)$")
NUMBERED_RE = re.compile(r"^\d+[.)] +(.*)$")
STRONG_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
EM_RE = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")


def _inline(text):
    text = html.escape(text.strip(), quote=False)
    text = STRONG_RE.sub(r"<strong>\1</strong>", text)
    return EM_RE.sub(r"<em>\1</em>", text)


def text_to_html(text):
    """The plain editor's text as HTML: `## ` heading, `### ` subheading, `- ` and `1. ` lists, `*em*`, `**strong**`.

    A blank line starts a new paragraph; other line breaks inside a paragraph are kept.
    """
    parts = []
    paragraph = []
    list_tag = None  # "ul" or "ol" while inside a list

    def close_paragraph():
        if paragraph:
            parts.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()

    def close_list():
        nonlocal list_tag
        if list_tag:
            parts.append(f"</{list_tag}>")
            list_tag = None

    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        heading = HEADING_RE.match(line)
        item_tag, item = None, None
        if match := BULLET_RE.match(line):
            # "**bold** text" starts with an asterisk too; only "* " with a space is a bullet.
            item_tag, item = "ul", match[1]
        elif match := NUMBERED_RE.match(line):
            item_tag, item = "ol", match[1]
        if not line:
            close_paragraph()
            close_list()
        elif heading:
            close_paragraph()
            close_list()
            tag = "h2" if len(heading[1]) == 2 else "h3"
            parts.append(f"<{tag}>{_inline(heading[2])}</{tag}>")
        elif item_tag:
            close_paragraph()
            if list_tag != item_tag:
                close_list()
                parts.append(f"<{item_tag}>")
                list_tag = item_tag
            parts.append(f"<li>{_inline(item)}</li>")
        else:
            close_list()
            paragraph.append(_inline(line))
    close_paragraph()
    close_list()
    return sanitise("".join(parts))


# Versions.


def add_version(event, *, text=None, upload=None, created_by, request=None):
    """Check the written text or the upload, then store it as the event's next summary version."""
    if (text is None) == (upload is None):
        raise ValueError("Pass the written text or an upload, not both")
    filename = ""
    if text is not None:
        if len(text) > MAX_TEXT_LENGTH:
            raise DomainError(f"The summary must be {MAX_TEXT_LENGTH:,} characters or fewer", field="text")
        source, payload = SummaryVersion.Source.WRITTEN, text_to_html(text)
        if not payload:
            raise DomainError("Enter the summary", field="text")
    else:
        source, payload = check_upload(upload)
        filename = original_filename(upload)
    is_pdf = source == SummaryVersion.Source.PDF

    def build(locked, number):
        return SummaryVersion(
            event=locked,
            number=number,
            source=source,
            body_html="" if is_pdf else payload,
            original_filename=filename,
            created_by=created_by,
        )

    def after_save(locked, version):
        audit.record(
            "summary.version_added",
            request=request,
            actor=created_by,
            partnership=locked.review.partnership,
            obj=version,
            event_id=locked.pk,
            number=version.number,
            source=source,
        )

    return versions.add_version(
        Event.objects.select_related("review__partnership"),
        event.pk,
        "summary_versions",
        build=build,
        pdf=payload if is_pdf else None,
        after_save=after_save,
        render=_html_pdf,
    )


def versions_of(event):
    return event.summary_versions.select_related("created_by").order_by("-number")


def version_html(version):
    """The version's sanitised HTML to show in the browser; None for an uploaded PDF."""
    if version.source == SummaryVersion.Source.PDF:
        return None
    # Sanitised when stored; again here so that whatever reaches a page has passed the same filter.
    return sanitise(version.body_html)


# Rendering.


def _context(version, stamp=None):
    event = version.event
    review = event.review
    return {
        "version": version,
        "event": event,
        "review": review,
        "partnership": review.partnership,
        "body": version_html(version),
        "stamp": stamp,
        "confidential": CONFIDENTIAL,
    }


def render_reader_pdf(version, *, reader_name, when):
    """The version as a PDF for one reader: every page stamped with their name, the date and "Confidential"."""
    stamp = {"reader": reader_name, "date": uk_date(when), "label": CONFIDENTIAL, "title": "Confidential summary stamp"}
    return stamp_pdf(render_plain_pdf(version), "core/pdfs/reader_stamp.html", _context(version, stamp))


def render_plain_pdf(version):
    """The version's PDF without the stamp: only ever the base for a reader's stamped copy, or for bench/."""
    if version.source == SummaryVersion.Source.PDF:
        return version.file_bytes()
    return _html_pdf(version)


def _html_pdf(version):
    """An HTML version's PDF, rendered once and kept (encrypted) in the cache: a 30-page summary takes
    WeasyPrint about 2 s to lay out."""
    body = version_html(version)
    return versions.cached_pdf(
        "summary-pdf", version, body, lambda: render_pdf("events/pdfs/summary.html", _context(version))
    )
