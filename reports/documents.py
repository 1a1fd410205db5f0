"""The draft report's versions: uploads checked and converted, numbered, and rendered as PDFs.

A Word document becomes sanitised HTML whose block paragraphs (paragraphs, headings, list items)
are numbered 1..N; a PDF is kept as it is, numbered by page, with its text kept page by page so
the browser can show it. Comments point at these numbers, so a version never changes once stored.
Upload checks are the summary's (events/summary_documents.py), plus refusals of Word documents
with macros or content fetched from elsewhere.
"""

import html
import io
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import nh3
from django.utils.safestring import mark_safe
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from core import audit, versions
from core.errors import DomainError
from core.formatting import long_date
from core.pdfs import render_pdf
from core.stamping import stamp_pdf
from core.uploads import ALLOWED_TAGS, check_upload, original_filename
from reports.models import ReportVersion, SignOff
from reviews.models import Review
from reviews.services import move_forward

DRAFT_STAMP = "Draft — for factual-accuracy check only"

SIGNED_OFF = "The report has been signed off, so no new version can be added"
_MACROS = (
    "The Word document contains macros, which are not allowed. "
    "Save it in Word as a plain Word document (.docx) and upload that copy"
)
_EXTERNAL = (
    "The Word document uses content kept outside it, such as a linked template, picture or object, "
    "which is not allowed. Save a copy with everything inside the document, or upload a PDF"
)
_UNREADABLE_WORD = "This Word document could not be read. Save it again from Word, or upload it as a PDF"
_NO_TEXT_WORD = "The Word document has no text in it"
_NO_TEXT_PDF = (
    "The PDF has no text that can be read. If it is a scan, save the original document as a PDF and upload that"
)
_UNREADABLE_PDF = "The text of this PDF cannot be read. Save it again as a PDF and upload the new copy"

# Parts of a Word document that only exist to hold macros.
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "vbadata")
RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# The one kind of external relationship an ordinary document has: a link the reader may follow.
HYPERLINK_TYPE = "/hyperlink"

# What a version's HTML may hold: the summary's tags, plus the numbering this module adds.
NUMBERED = {"p", "h2", "h3", "li"}
NUMBER_CLASS = "convene-unit-number"
REPORT_TAGS = ALLOWED_TAGS | {"span", "section"}
REPORT_ATTRIBUTES = {tag: {"id", "class"} for tag in NUMBERED | {"span", "section"}}


# Checking uploads.


def _refuse_active_content(archive):
    """Refuse a Word document with macros, or one that pulls in content from outside itself."""
    names = archive.namelist()
    if any(name.lower().endswith(MACRO_PARTS) for name in names):
        raise DomainError(_MACROS, field="file")
    if "[Content_Types].xml" in names:
        types = _xml(archive, "[Content_Types].xml")
        for element in types.iter():
            if any(marker in (element.get("ContentType") or "").lower() for marker in MACRO_CONTENT_TYPES):
                raise DomainError(_MACROS, field="file")
    for name in names:
        if not name.lower().endswith(".rels"):
            continue
        for relationship in _xml(archive, name).iter(f"{RELATIONSHIPS_NS}Relationship"):
            external = (relationship.get("TargetMode") or "").lower() == "external"
            if external and not (relationship.get("Type") or "").endswith(HYPERLINK_TYPE):
                raise DomainError(_EXTERNAL, field="file")
            if (relationship.get("Type") or "").lower().endswith(("/vbaproject", "/wordvbadata")):
                raise DomainError(_MACROS, field="file")


def _xml(archive, name):
    # The summary's checks have bounded the unpacked size. Word never writes a document type
    # declaration, and without one there are no entities to expand or fetch: refuse any that has one.
    try:
        data = archive.read(name)
        if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
            raise DomainError(_UNREADABLE_WORD, field="file")
        return ElementTree.fromstring(data)  # noqa: S314 - no DTD, so no entities (checked above)
    except (ElementTree.ParseError, KeyError, ValueError, OSError) as error:
        raise DomainError(_UNREADABLE_WORD, field="file") from error


# Numbering.


class _Node:
    __slots__ = ("children", "tag")

    def __init__(self, tag):
        self.tag = tag
        self.children = []


class _TreeBuilder(HTMLParser):
    """Sanitised HTML (no attributes, a few tags) as a tree of _Node and text."""

    VOID = {"br"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node(None)
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag)
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _own_text(node):
    """The node's text, leaving out any numbered block inside it (a list inside a list item)."""
    parts = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag == "br":
            parts.append("\n")
        elif child.tag not in NUMBERED and child.tag not in ("ul", "ol"):
            parts.append(_own_text(child))
    return "".join(parts)


def number_html(clean_html):
    """(numbered HTML, unit count) for sanitised HTML: each block with text gets id="paragraph-N".

    Blocks with no text are dropped, and loose text between blocks becomes a paragraph, so that
    every number points at words a reader can see.
    """
    builder = _TreeBuilder()
    builder.feed(clean_html)
    builder.close()
    count = 0
    out = []

    def write(node):
        nonlocal count
        if isinstance(node, str):
            out.append(html.escape(node, quote=False))
            return
        if node.tag == "br":
            out.append("<br>")
            return
        if node.tag in NUMBERED:
            has_text = bool(_own_text(node).strip())
            if not has_text and not any(
                isinstance(child, _Node) and child.tag in ("ul", "ol") for child in node.children
            ):
                return
            if has_text:
                count += 1
                out.append(f'<{node.tag} id="paragraph-{count}">{_number_span("Paragraph", count)}')
            else:
                out.append(f"<{node.tag}>")
        else:
            out.append(f"<{node.tag}>")
        for child in node.children:
            write(child)
        out.append(f"</{node.tag}>")

    loose = []

    def flush_loose():
        if "".join(item if isinstance(item, str) else _own_text(item) for item in loose).strip():
            paragraph = _Node("p")
            paragraph.children = list(loose)
            write(paragraph)
        loose.clear()

    for child in builder.root.children:
        if isinstance(child, str) or child.tag in ("strong", "em", "br"):
            loose.append(child)
            continue
        flush_loose()
        write(child)
    flush_loose()
    return "".join(out), count


def _number_span(word, number):
    hidden = f'<span class="govuk-visually-hidden">{word} </span>'
    return f'<span class="{NUMBER_CLASS} govuk-!-font-weight-bold govuk-!-margin-right-2">{hidden}{number}</span> '


def pdf_pages_html(data):
    """(HTML of a PDF's text page by page, page count): each page a section with id="page-N"."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        texts = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as error:
        raise DomainError(_UNREADABLE_PDF, field="file") from error
    if not any(text.strip() for text in texts):
        raise DomainError(_NO_TEXT_PDF, field="file")
    parts = []
    for number, text in enumerate(texts, start=1):
        parts.append(f'<section id="page-{number}">')
        parts.append(f'<h2 class="{NUMBER_CLASS}">Page {number}</h2>')
        blocks = [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]
        if not blocks:
            parts.append("<p>This page has no text that can be shown here.</p>")
        for block in blocks:
            lines = [html.escape(line.strip(), quote=False) for line in block.splitlines() if line.strip()]
            parts.append("<p>" + "<br>".join(lines) + "</p>")
        parts.append("</section>")
    return "".join(parts), len(texts)


class _UnitReader(HTMLParser):
    """The text of each numbered unit in a version's HTML, leaving out the numbers themselves."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.units = {}
        self.open = []  # (tag, unit number or None, hides text)

    def handle_starttag(self, tag, attrs):
        if tag == "br" or tag in NUMBERED:
            # A line break or a new block: words either side are not one name.
            self._text("\n")
        if tag == "br":
            return
        attrs = dict(attrs)
        match = re.fullmatch(r"(?:paragraph|page)-(\d+)", attrs.get("id") or "")
        number = int(match[1]) if match else None
        if number is not None:
            self.units.setdefault(number, [])
        hides = NUMBER_CLASS in (attrs.get("class") or "").split()
        self.open.append((tag, number, hides))

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        self._text(data)

    def _text(self, text):
        if any(hides for _, _, hides in self.open):
            return
        for _, number, _ in reversed(self.open):
            if number is not None:
                self.units[number].append(text)
                return


def units(version):
    """[(number, text)] of the version's paragraphs (Word) or pages (PDF), in order."""
    reader = _UnitReader()
    reader.feed(version.body_html or "")
    reader.close()
    return [(number, "".join(parts).strip()) for number, parts in sorted(reader.units.items())]


# Versions.


def is_signed_off(review):
    return SignOff.objects.filter(review=review).exists()


def add_version(review, *, upload, created_by, request=None):
    """Check the upload and store it as the review's next draft version, with its anonymisation check."""
    from reports import anonymisation

    if is_signed_off(review):
        raise DomainError(SIGNED_OFF, field="file")
    source, payload = check_upload(upload, docx_check=_refuse_active_content)
    if source == ReportVersion.Source.DOCX:
        body_html, unit_count = number_html(payload)
        if unit_count == 0:
            raise DomainError(_NO_TEXT_WORD, field="file")
    else:
        body_html, unit_count = pdf_pages_html(payload)
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
    # Built by this module from sanitised HTML; cleaned again so that whatever reaches a page has
    # passed a filter that allows nothing but the tags and numbering this module writes.
    clean = nh3.clean(
        version.body_html or "",
        tags=REPORT_TAGS,
        attributes=REPORT_ATTRIBUTES,
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - cleaned just above


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
