"""The reviewer's confidential pre-event summary: its content, its versions, and each reader's PDF.

Content comes three ways: written in the plain editor (`text_to_html`), a Word document
(converted by mammoth) or a PDF kept as it is. Every HTML body goes through `sanitise`. Uploads
are checked by their content, never their name, and nothing is stored when a check fails.
"""

import base64
import hashlib
import html
import io
import re
import uuid
import zipfile
from datetime import datetime

import mammoth
import nh3
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import dateformat, timezone
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

from events.models import Event, SummaryVersion
from reviews import audit, crypto
from reviews.factsheets import render_pdf
from reviews.services import DomainError

ALLOWED_TAGS = {"h2", "h3", "p", "ul", "ol", "li", "strong", "em", "br"}

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_LABEL = "10 MB"
# A Word document is a zip: these bound what unpacking it may cost (a "zip bomb" breaks them).
MAX_ZIP_ENTRIES = 500
MAX_ZIP_UNCOMPRESSED = 50 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_TEXT_LENGTH = 200_000

# Anything in a PDF that can run code, act on opening, or carry other files.
PDF_FORBIDDEN = frozenset(
    {"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles", "/RichMedia", "/XFA"}
)
# Word headings become the two levels of heading a summary may have.
MAMMOTH_STYLE_MAP = """
p[style-name='Title'] => h2:fresh
p[style-name='Heading 1'] => h2:fresh
p[style-name='Heading 2'] => h3:fresh
p[style-name='Heading 3'] => h3:fresh
"""

CONFIDENTIAL = "Confidential — do not share"
# How long an HTML version's rendered PDF is kept for the next reader (versions never change).
PDF_CACHE_SECONDS = 7 * 24 * 3600


def sanitise(html_text):
    """Only headings, paragraphs, lists, emphasis and line breaks; no attributes, links or scripts."""
    return nh3.clean(
        html_text or "",
        tags=ALLOWED_TAGS,
        attributes={},
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    ).strip()


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


# Checking uploads.


def check_upload(uploaded_file, *, docx_check=None):
    """(source, payload) for an acceptable upload: a PDF's bytes, or a Word document's sanitised HTML.

    `docx_check(archive)`, if given, looks inside a Word document's zip once its size is known to be
    safe and before anything converts it; it raises DomainError to refuse the document.
    Raises DomainError(field="file") with a message for the person uploading.
    """
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise DomainError(f"The file must be smaller than {MAX_UPLOAD_LABEL}", field="file")
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(f"The file must be smaller than {MAX_UPLOAD_LABEL}", field="file")
    if not data:
        raise DomainError("The selected file is empty", field="file")
    if data.startswith(b"%PDF-"):
        return SummaryVersion.Source.PDF, _checked_pdf(data)
    if data.startswith(b"PK\x03\x04"):
        return SummaryVersion.Source.DOCX, _docx_html(data, docx_check)
    name = (getattr(uploaded_file, "name", "") or "").lower()
    if name.endswith(".docx"):
        # The name is only used to choose the friendlier message, never to decide.
        raise DomainError(_NOT_WORD, field="file")
    raise DomainError("The file must be a PDF or a Word document (.docx)", field="file")


_NOT_WORD = "This is not a Word document. Save it from Word as a .docx file, or upload a PDF"
_NOT_PDF = "This PDF cannot be read. It may be damaged: save it again and upload the new copy"


def _checked_pdf(data):
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DomainError("The PDF is protected with a password. Upload a copy without one", field="file")
        if len(reader.pages) == 0:
            raise DomainError(_NOT_PDF, field="file")
        found = _forbidden_in_pdf(reader)
    except DomainError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as error:
        raise DomainError(_NOT_PDF, field="file") from error
    if found:
        raise DomainError(
            "The PDF contains scripts, actions or attached files, which are not allowed. "
            "Print it to a new PDF, or save it without them, and upload that copy",
            field="file",
        )
    return data


def _forbidden_in_pdf(reader):
    """Whether any object reachable from the trailer, or listed in the cross-reference table, runs code.

    Walks with an explicit stack and a set of visited objects, so cycles and deep nesting are safe.
    """
    seen = set()
    stack = [reader.trailer]
    # Objects nothing points to are still in the file; look at those too.
    for generation, numbers in reader.xref.items():
        stack.extend(IndirectObject(number, generation, reader) for number in numbers)
    stack.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, NameObject):
            if item in PDF_FORBIDDEN:
                return True
        elif isinstance(item, DictionaryObject):
            for name, value in item.items():
                if name in PDF_FORBIDDEN:
                    return True
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return False


def _docx_html(data, docx_check=None):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise DomainError(_NOT_WORD, field="file") from error
    # From the central directory only: nothing is unpacked until these pass. zipfile never
    # inflates a member past the size the directory declares, so a lying entry gains nothing.
    total = sum(member.file_size for member in members)
    too_packed = any(
        member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1) for member in members if member.file_size
    )
    if len(members) > MAX_ZIP_ENTRIES or total > MAX_ZIP_UNCOMPRESSED or too_packed:
        raise DomainError(
            "This file unpacks to far more than its size, which Word documents do not. "
            "It may be damaged or harmful, so it was not accepted",
            field="file",
        )
    if "word/document.xml" not in archive.namelist():
        raise DomainError(_NOT_WORD, field="file")
    if docx_check is not None:
        docx_check(archive)
    try:
        result = mammoth.convert_to_html(io.BytesIO(data), style_map=MAMMOTH_STYLE_MAP)
    # mammoth raises whatever its zip and XML readers raise on a malformed document.
    except Exception as error:
        raise DomainError(
            "This Word document could not be converted. Save it again from Word, or upload it as a PDF",
            field="file",
        ) from error
    body = sanitise(result.value)
    if not body:
        raise DomainError("The Word document has no text in it", field="file")
    return body


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


def uk_date(when):
    """ "23 November 2026", for a date or a datetime (in Europe/London)."""
    if isinstance(when, datetime):
        when = timezone.localtime(when) if timezone.is_aware(when) else when
        when = when.date()
    return dateformat.format(when, "j F Y")


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


def stamp_pdf(data, template_name, context):
    """Lay a stamp over every page, each size of page getting a stamp of its own size.

    The stamp is `template_name` rendered with `context` plus the page's `width` and `height` in
    points; every document stamped for a reader (the summary, the draft report) comes through here.

    The stamp is a form XObject drawn by a short content stream added after the page's own, so
    the page's content is kept byte for byte and never parsed (pypdf's merge_page parses it,
    which costs about 30 ms a page). The new pages replace the old: the file has no earlier
    revision from which an unstamped copy could be recovered.
    """
    writer = PdfWriter(clone_from=io.BytesIO(data))
    forms = {}
    for page in writer.pages:
        if page.rotation:
            # Turn the content instead of the page, so the stamp reads upright.
            page.transfer_rotation_to_content()
        box = page.mediabox
        size = (round(float(box.width), 2), round(float(box.height), 2))
        if size not in forms:
            forms[size] = (NameObject(f"/ConveneStamp{len(forms)}"), _stamp_form(writer, template_name, context, *size))
        name, form = forms[size]
        _page_xobjects(page)[name] = form
        raw = page.raw_get("/Contents") if "/Contents" in page else None
        if raw is None:
            own = []
        elif isinstance(raw.get_object(), ArrayObject):
            own = list(raw.get_object())
        else:
            own = [raw]
        # Readers join a page's streams without a separator, hence the newlines around each.
        draw = f"\nQ /Artifact BMC q 1 0 0 1 {float(box.left):.2f} {float(box.bottom):.2f} cm {name} Do Q EMC\n"
        page[NameObject("/Contents")] = ArrayObject([_stream(writer, b"q\n"), *own, _stream(writer, draw.encode())])
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _stream(writer, data):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _page_xobjects(page):
    """The page's /XObject resources, made the page's own if it inherited them from its parents."""
    node = page
    while "/Resources" not in node and "/Parent" in node:
        node = node["/Parent"].get_object()
    resources = node.get("/Resources")
    resources = DictionaryObject() if resources is None else resources.get_object()
    if node is not page:
        resources = DictionaryObject(resources)
        page[NameObject("/Resources")] = resources
    xobjects = resources.get("/XObject")
    if xobjects is None:
        xobjects = resources[NameObject("/XObject")] = DictionaryObject()
    return xobjects.get_object()


def _stamp_form(writer, template_name, context, width, height):
    """The stamp, rendered by WeasyPrint at the page's size, as a form XObject in `writer`."""
    context = context | {"width": width, "height": height}
    page = PdfReader(io.BytesIO(render_pdf(template_name, context))).pages[0]
    form = DecodedStreamObject()
    form.set_data(page.get_contents().get_data())
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(value) for value in page.mediabox),
            NameObject("/Resources"): page["/Resources"].get_object().clone(writer),
        }
    )
    return writer._add_object(form.flate_encode())
