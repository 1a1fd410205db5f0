"""Numbering a document's paragraphs (or a PDF's pages), so that readers, comments and the names
check can point at "paragraph 7" or "page 3".

Sanitised HTML (core.uploads) becomes HTML whose blocks with text (paragraphs, headings, list items)
carry id="paragraph-N" and a visible number; a PDF's text becomes one section per page with
id="page-N". `units` reads either back as [(number, text)].
"""

import html
import io
import re
from html.parser import HTMLParser

import nh3
from django.utils.safestring import mark_safe
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from core.errors import DomainError
from core.uploads import ALLOWED_TAGS

NUMBERED = {"p", "h2", "h3", "li"}
NUMBER_CLASS = "convene-unit-number"
# What numbered HTML may hold: the sanitised tags, plus the numbering this module adds.
NUMBERED_TAGS = ALLOWED_TAGS | {"span", "section"}
NUMBERED_ATTRIBUTES = {tag: {"id", "class"} for tag in NUMBERED | {"span", "section"}}

_NO_TEXT_PDF = (
    "The PDF has no text that can be read. If it is a scan, save the original document as a PDF and upload that"
)
_UNREADABLE_PDF = "The text of this PDF cannot be read. Save it again as a PDF and upload the new copy"


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


def units(numbered_html):
    """[(number, text)] of numbered HTML's paragraphs or pages, in order."""
    reader = _UnitReader()
    reader.feed(numbered_html or "")
    reader.close()
    return [(number, "".join(parts).strip()) for number, parts in sorted(reader.units.items())]


def clean(numbered_html):
    """Numbered HTML for a page: cleaned again, so that whatever reaches a page has passed a filter
    that allows nothing but the sanitised tags and the numbering this module writes."""
    clean_html = nh3.clean(
        numbered_html or "",
        tags=NUMBERED_TAGS,
        attributes=NUMBERED_ATTRIBUTES,
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )
    return mark_safe(clean_html)  # noqa: S308 - cleaned just above


class _LinkWriter(HTMLParser):
    """Cleaned numbered HTML written out again with a link for each unit (see `with_links`)."""

    def __init__(self, link):
        super().__init__(convert_charrefs=True)
        self.link = link
        self.out = []
        self.open = []  # [tag, (word, number) or None, link written]

    def _unit(self, attrs):
        match = re.fullmatch(r"(paragraph|page)-(\d+)", dict(attrs).get("id") or "")
        return (match[1], int(match[2])) if match else None

    def _write_link(self, entry, block):
        entry[2] = True
        word, number = entry[1]
        self.out.append(self.link(word, number, block))

    def handle_starttag(self, tag, attrs):
        # A list inside a list item: the item's own words end here, so its link goes before the list.
        if tag in ("ul", "ol") and self.open and self.open[-1][0] == "li" and self.open[-1][1] and not self.open[-1][2]:
            self._write_link(self.open[-1], block=False)
        self.out.append(self.get_starttag_text())
        if tag != "br":
            self.open.append([tag, self._unit(attrs), False])

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        closed = None
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                closed = self.open[depth]
                del self.open[depth:]
                break
        unit = closed is not None and closed[1] is not None and not closed[2]
        if unit and tag == "li":
            self._write_link(closed, block=False)
        self.out.append(f"</{tag}>")
        if unit and tag in ("p", "h2", "h3"):
            # After the block, so that a heading's text stays the heading's alone.
            self._write_link(closed, block=True)
        parent = self.open[-1] if self.open else None
        if tag == "h2" and parent and parent[0] == "section" and parent[1] and not parent[2]:
            # A PDF's page: its link goes under the page's heading.
            self._write_link(parent, block=True)

    def handle_data(self, data):
        self.out.append(html.escape(data, quote=False))


def with_links(numbered_html, link):
    """Cleaned numbered HTML (from `clean`) with link(word, number, block) written beside each unit.

    `link` returns safe HTML for "paragraph" or "page" N: a block element where `block` is true
    (after a paragraph or heading, under a page's heading), otherwise inline (at the end of a list
    item's own words, before any list inside it).
    """
    writer = _LinkWriter(link)
    writer.feed(str(numbered_html or ""))
    writer.close()
    return mark_safe("".join(writer.out))  # noqa: S308 - cleaned HTML written back escaped, and the caller's safe links
