"""One check for every uploaded file, by its content, never its name: the strictest the project has.

The summary, the draft report, action evidence and agencies' written accounts all call
`check_upload(file, accept=..., field=...)`, naming the kinds the page takes and the form field
the message belongs to. A PDF must start with its header, hold nothing that runs, acts on opening
or carries other files, and nothing a browser would take for a web page (an HTML-and-PDF
"polyglot"); a Word document or Excel workbook must unpack to a sensible size, hold no macros
and fetch nothing from elsewhere, and a Word document must convert to sanitised HTML with text in
it; an image must open as what its first bytes say. Nothing is stored when a check fails, and the
message says what to do.
"""

import io
import xml.etree.ElementTree as ElementTree
import zipfile

import mammoth
import nh3
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from core.errors import DomainError

# The kinds check_upload knows, and says it found.
PDF = "pdf"
DOCX = "docx"
XLSX = "xlsx"
PNG = "png"
JPEG = "jpeg"
# What a document page takes: the summary, the draft report, an agency's written account.
DOCUMENTS = (PDF, DOCX)
# What action evidence may be.
EVIDENCE = (PDF, DOCX, XLSX, PNG, JPEG)
# How each kind is named in a message, in this order.
KIND_NAMES = {
    PDF: "a PDF",
    DOCX: "a Word document (.docx)",
    XLSX: "an Excel workbook (.xlsx)",
    PNG: "a PNG or JPEG image",
    JPEG: "a PNG or JPEG image",
}

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
# What makes a browser or another reader take a file for a web page. A PDF's own text and pictures
# are in compressed streams or PDF strings, so none of these appears in a genuine PDF's bytes.
MARKUP_MARKERS = (
    b"<html",
    b"<!doctype",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<svg",
    b"<object",
    b"<embed",
    b"<form",
    b"javascript:",
)
# Parts and types of an Office file that only exist to hold macros (.docm, .xlsm).
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "vbadata")
RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# The one kind of external relationship an ordinary document has: a link the reader may follow.
HYPERLINK_TYPE = "/hyperlink"
# Word headings become the two levels of heading a summary may have.
MAMMOTH_STYLE_MAP = """
p[style-name='Title'] => h2:fresh
p[style-name='Heading 1'] => h2:fresh
p[style-name='Heading 2'] => h3:fresh
p[style-name='Heading 3'] => h3:fresh
"""

_NOT_WORD = "This is not a Word document. Save it from Word as a .docx file, or upload a PDF"
_NOT_PDF = "This PDF cannot be read. It may be damaged: save it again and upload the new copy"
_PDF_ACTIVE = (
    "The PDF contains scripts, actions or attached files, which are not allowed. "
    "Print it to a new PDF, or save it without them, and upload that copy"
)
_PDF_MARKUP = (
    "The PDF also contains web page code, which is not allowed. "
    "Print it to a new PDF, or save it again from the program that made it, and upload that copy"
)
_UNREADABLE_OFFICE = "This {what} could not be read. Save it again from {program}, or upload it as a PDF"
_MACROS = (
    "The {what} contains macros, which are not allowed. "
    "Save it in {program} as a plain {what} ({extension}) and upload that copy"
)
_EXTERNAL = (
    "The {what} uses content kept outside it, such as a linked template, picture or object, "
    "which is not allowed. Save a copy with everything inside it, or upload a PDF"
)
_OFFICE = {
    DOCX: {"what": "Word document", "program": "Word", "extension": ".docx"},
    XLSX: {"what": "Excel workbook", "program": "Excel", "extension": ".xlsx"},
}


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


def wrong_kind_message(accept):
    """'The file must be a PDF or a Word document (.docx)', naming what the page takes."""
    names = list(dict.fromkeys(KIND_NAMES[kind] for kind in accept))
    if len(names) == 1:
        listed = names[0]
    elif len(names) == 2:
        listed = f"{names[0]} or {names[1]}"
    else:
        listed = ", ".join(names[:-1]) + f", or {names[-1]}"
    return f"The file must be {listed}"


def check_upload(uploaded_file, *, accept=DOCUMENTS, field="file"):
    """(kind, payload) for an acceptable upload of one of the kinds in `accept`.

    The payload is a Word document's sanitised HTML, or the file's bytes for every other kind.
    Raises DomainError(field=field) with a message for the person uploading.
    """
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise DomainError(f"The file must be smaller than {MAX_UPLOAD_LABEL}", field=field)
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(f"The file must be smaller than {MAX_UPLOAD_LABEL}", field=field)
    if not data:
        raise DomainError("The selected file is empty", field=field)
    try:
        return _checked(data, accept, getattr(uploaded_file, "name", "") or "")
    except DomainError as error:
        raise DomainError(str(error), field=field) from error


def _checked(data, accept, name):
    if data.startswith(b"%PDF-") and PDF in accept:
        return PDF, _checked_pdf(data)
    if data.startswith(b"PK\x03\x04") and (DOCX in accept or XLSX in accept):
        return _checked_office(data, accept)
    if data.startswith(b"\x89PNG\r\n\x1a\n") and PNG in accept:
        return PNG, _checked_image(data, "PNG", accept)
    if data.startswith(b"\xff\xd8\xff") and JPEG in accept:
        return JPEG, _checked_image(data, "JPEG", accept)
    if name.lower().endswith(".docx") and accept == DOCUMENTS:
        # The name is only used to choose the friendlier message, never to decide.
        raise DomainError(_NOT_WORD)
    raise DomainError(wrong_kind_message(accept))


def _has_markup(data):
    lowered = data.lower()
    return any(marker in lowered for marker in MARKUP_MARKERS)


def _checked_pdf(data):
    # A second header means another file is hidden inside this one, as a polyglot does.
    if _has_markup(data) or data.count(b"%PDF-") > 1:
        raise DomainError(_PDF_MARKUP)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DomainError("The PDF is protected with a password. Upload a copy without one")
        if len(reader.pages) == 0:
            raise DomainError(_NOT_PDF)
        found = _forbidden_in_pdf(reader)
    except DomainError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as error:
        raise DomainError(_NOT_PDF) from error
    if found:
        raise DomainError(_PDF_ACTIVE)
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


def _checked_office(data, accept):
    """A Word document (as sanitised HTML) or an Excel workbook (as it is), told apart by what the zip holds."""
    not_office = _NOT_WORD if XLSX not in accept else wrong_kind_message(accept)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise DomainError(not_office) from error
    # From the central directory only: nothing is unpacked until these pass. zipfile never
    # inflates a member past the size the directory declares, so a lying entry gains nothing.
    total = sum(member.file_size for member in members)
    too_packed = any(
        member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1) for member in members if member.file_size
    )
    if len(members) > MAX_ZIP_ENTRIES or total > MAX_ZIP_UNCOMPRESSED or too_packed:
        raise DomainError(
            "This file unpacks to far more than its size, which Word and Excel files do not. "
            "It may be damaged or harmful, so it was not accepted"
        )
    names = archive.namelist()
    if "word/document.xml" in names and DOCX in accept:
        kind = DOCX
    elif "xl/workbook.xml" in names and XLSX in accept:
        kind = XLSX
    else:
        raise DomainError(not_office)
    _refuse_active_content(archive, _OFFICE[kind])
    if kind == XLSX:
        return XLSX, data
    return DOCX, _word_html(data)


def _refuse_active_content(archive, words):
    """Refuse an Office file with macros, or one that pulls in content from outside itself."""
    names = archive.namelist()
    if any(name.lower().endswith(MACRO_PARTS) for name in names):
        raise DomainError(_MACROS.format(**words))
    if "[Content_Types].xml" in names:
        for element in _xml(archive, "[Content_Types].xml", words).iter():
            if any(marker in (element.get("ContentType") or "").lower() for marker in MACRO_CONTENT_TYPES):
                raise DomainError(_MACROS.format(**words))
    for name in names:
        if not name.lower().endswith(".rels"):
            continue
        for relationship in _xml(archive, name, words).iter(f"{RELATIONSHIPS_NS}Relationship"):
            relationship_type = (relationship.get("Type") or "").lower()
            if relationship_type.endswith(("/vbaproject", "/wordvbadata")):
                raise DomainError(_MACROS.format(**words))
            external = (relationship.get("TargetMode") or "").lower() == "external"
            if external and not relationship_type.endswith(HYPERLINK_TYPE):
                raise DomainError(_EXTERNAL.format(**words))


def _xml(archive, name, words):
    # The zip's size is bounded above. Word and Excel never write a document type declaration, and
    # without one there are no entities to expand or fetch: refuse any part that has one.
    try:
        data = archive.read(name)
        if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
            raise DomainError(_UNREADABLE_OFFICE.format(**words))
        return ElementTree.fromstring(data)  # noqa: S314 - no DTD, so no entities (checked above)
    except (ElementTree.ParseError, KeyError, ValueError, OSError, zipfile.BadZipFile) as error:
        raise DomainError(_UNREADABLE_OFFICE.format(**words)) from error


def _word_html(data):
    try:
        result = mammoth.convert_to_html(io.BytesIO(data), style_map=MAMMOTH_STYLE_MAP)
    # mammoth raises whatever its zip and XML readers raise on a malformed document.
    except Exception as error:
        raise DomainError(
            "This Word document could not be converted. Save it again from Word, or upload it as a PDF"
        ) from error
    body = sanitise(result.value)
    if not body:
        raise DomainError("The Word document has no text in it")
    return body


def _checked_image(data, expected_format, accept):
    """The image must open as what its first bytes say it is, and hide no web page code."""
    if _has_markup(data):
        raise DomainError(
            "The image also contains web page code, which is not allowed. Save it again as a new image and upload that"
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected_format:
                raise DomainError(wrong_kind_message(accept))
            image.verify()
    except DomainError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise DomainError("This image cannot be opened. It may be damaged: save it again and upload it") from error
    return data


def original_filename(upload):
    """The uploaded file's own name without any folders, kept only to show it back to people."""
    return (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
