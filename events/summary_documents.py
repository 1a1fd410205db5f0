"""The reviewer's confidential pre-event summary: its content, its versions, and each reader's PDF.

Content comes three ways: written in the plain editor (`text_to_html`), a Word document
(converted by mammoth) or a PDF kept as it is. Every HTML body goes through `sanitise`. Uploads
are checked by their content, never their name, and nothing is stored when a check fails.
"""

import html
import re
from html.parser import HTMLParser

from django.db.models import Count, Q

from core import audit, names, numbering, versions
from core.errors import DomainError
from core.formatting import uk_date
from core.pdfs import render_pdf
from core.stamping import stamp_pdf
from core.uploads import DOCUMENTS, MAX_TEXT_LENGTH, check_upload, original_filename, sanitise
from events.models import Event, SummaryVersion
from events.names import names_for_review

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


class _EditorText(HTMLParser):
    """Sanitised HTML back as the plain editor writes it (the inverse of text_to_html)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.line, self.lists = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li" and self.lists:
            self.lists[-1][1] += 1
            kind, count = self.lists[-1]
            self.line.append("- " if kind == "ul" else f"{count}. ")
        elif tag in ("h2", "h3"):
            self.line.append("## " if tag == "h2" else "### ")
        elif tag == "strong":
            self.line.append("**")
        elif tag == "em":
            self.line.append("*")
        elif tag == "br":
            self.line.append("\n")

    def handle_endtag(self, tag):
        if tag in ("strong", "em"):
            self.line.append("**" if tag == "strong" else "*")
        elif tag in ("p", "h2", "h3", "li"):
            text = "".join(self.line).strip()
            if text:
                # List items follow each other; every other block stands on its own after a blank line.
                self.blocks.append(("li" if tag == "li" else "block", text))
            self.line = []
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()

    def handle_data(self, data):
        self.line.append(re.sub(r"\s+", " ", data))


def editor_text(body_html):
    """A version's text as the plain editor shows it: where a new version starts from."""
    parser = _EditorText()
    parser.feed(body_html or "")
    parser.close()
    text = ""
    for index, (kind, block) in enumerate(parser.blocks):
        if index:
            text += "\n" if kind == "li" and parser.blocks[index - 1][0] == "li" else "\n\n"
        text += block
    return text


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
        source, payload = check_upload(upload, accept=DOCUMENTS, field="file")
        filename = original_filename(upload)
    is_pdf = source == SummaryVersion.Source.PDF
    # Numbered now, for the names check: a PDF with no text that can be read is refused here,
    # because nobody could check it for the names it gives.
    paragraphs = _units(numbering.pdf_pages_html(payload)[0] if is_pdf else numbering.number_html(payload)[0])

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
        hits = names.check(version, paragraphs, names_for_review(locked.review))
        audit.record(
            "summary.version_added",
            request=request,
            actor=created_by,
            partnership=locked.review.partnership,
            obj=version,
            event_id=locked.pk,
            number=version.number,
            source=source,
            names_found=len(hits),
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
    """The event's versions, newest first, each with `open_hit_count`: places the names check found, not dealt with."""
    open_hits = Count("name_hits", filter=Q(name_hits__status=names.NameHit.Status.OPEN))
    return event.summary_versions.select_related("created_by").annotate(open_hit_count=open_hits).order_by("-number")


def _units(numbered_html):
    return numbering.units(numbered_html)


def numbered_html(version):
    """The version for the staff's page, numbered by paragraph (or by page, for a PDF), as the names check
    counts them."""
    if version.source == SummaryVersion.Source.PDF:
        numbered = numbering.pdf_pages_html(version.file_bytes())[0] if version.file else ""
    else:
        numbered = numbering.number_html(version_html(version))[0]
    return numbering.clean(numbered)


def recheck(version):
    """Run the names check again on a stored version (the names the review knows may have grown)."""
    return names.check(version, _units(numbered_html(version)), names_for_review(version.event.review))


def mark_not_a_person(hit, *, reason, by, request=None):
    """Record that a place the check found in a summary version is not a person, with the reason; audited."""
    event = hit.version.event
    return names.mark_not_a_person(
        hit,
        reason=reason,
        by=by,
        partnership=event.review.partnership,
        action="summary.name_marked_not_a_person",
        request=request,
        event_id=event.pk,
    )


def latest_text(event):
    """The newest version's text, as the plain editor shows it; empty when there is none, or it is a PDF."""
    latest = event.summary_versions.order_by("-number").first()
    if latest is None or latest.source == SummaryVersion.Source.PDF:
        return ""
    return editor_text(version_html(latest))


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
