"""The reviewer's confidential pre-event summary: its content, its versions, and each reader's PDF.

Content comes three ways: written in the plain editor (`text_to_html`), a Word document
(converted by mammoth) or a PDF kept as it is. Every HTML body goes through `sanitise`. Uploads
are checked by their content, never their name, and nothing is stored when a check fails.
"""

import base64
import hashlib
import html
import re
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from core import audit, crypto
from core.errors import DomainError
from core.formatting import uk_date
from core.pdfs import render_pdf
from core.stamping import stamp_pdf
from core.uploads import MAX_TEXT_LENGTH, check_upload, sanitise
from events.models import Event, SummaryVersion

CONFIDENTIAL = "Confidential — do not share"
# How long an HTML version's rendered PDF is kept for the next reader (versions never change).
PDF_CACHE_SECONDS = 7 * 24 * 3600


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
    original_filename = ""
    if text is not None:
        if len(text) > MAX_TEXT_LENGTH:
            raise DomainError(f"The summary must be {MAX_TEXT_LENGTH:,} characters or fewer", field="text")
        source, payload = SummaryVersion.Source.WRITTEN, text_to_html(text)
        if not payload:
            raise DomainError("Enter the summary", field="text")
    else:
        source, payload = check_upload(upload)
        original_filename = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][:200]

    stored = None
    try:
        with transaction.atomic():
            locked = Event.objects.select_for_update().select_related("review__partnership").get(pk=event.pk)
            last = locked.summary_versions.aggregate(last=Max("number"))["last"] or 0
            version = SummaryVersion(
                event=locked,
                number=last + 1,
                source=source,
                original_filename=original_filename,
                created_by=created_by,
            )
            if source == SummaryVersion.Source.PDF:
                version.file.save(f"{uuid.uuid4()}.pdf", ContentFile(payload), save=False)
                stored = version.file.name
            else:
                version.body_html = payload
            version.save()
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
            if source != SummaryVersion.Source.PDF:
                # Lay it out once now, so the first reader does not wait; a failure only costs that wait.
                transaction.on_commit(lambda: _html_pdf(version), robust=True)
    except BaseException:
        if stored:
            version.file.storage.delete(stored)
        raise
    return version


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
    return stamp_pdf(render_plain_pdf(version), "pdfs/reader_stamp.html", _context(version, stamp))


def render_plain_pdf(version):
    """The version's PDF without the stamp: only ever the base for a reader's stamped copy, or for bench/."""
    if version.source == SummaryVersion.Source.PDF:
        return _read_file(version)
    return _html_pdf(version)


def _html_pdf(version):
    """An HTML version's PDF, rendered once and kept (encrypted) in the cache.

    Laying out a 30-page summary takes WeasyPrint about 2 s, longer than a reader should wait;
    only the stamp differs between readers, so each reader's copy is this plus a merged stamp.
    """
    body = version_html(version)
    key = f"summary-pdf:{version.pk}:{hashlib.sha256(body.encode()).hexdigest()[:16]}"
    if (cached := cache.get(key)) is not None:
        try:
            return base64.b64decode(crypto.decrypt(cached))
        except ValueError:
            pass  # encrypted under a key since retired: render afresh
    pdf = render_pdf("pdfs/summary.html", _context(version))
    cache.set(key, crypto.encrypt(base64.b64encode(pdf).decode()), PDF_CACHE_SECONDS)
    return pdf


def _read_file(version):
    with version.file.open("rb") as stored:
        return stored.read()
