"""Checking an uploaded document by its content, never its name: a PDF kept as it is, or a Word document
converted to sanitised HTML. Nothing is stored when a check fails, and the message says what to do.
"""

import io
import zipfile

import mammoth
import nh3
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from core.errors import DomainError

# What check_upload says it found.
PDF = "pdf"
DOCX = "docx"

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
        return PDF, _checked_pdf(data)
    if data.startswith(b"PK\x03\x04"):
        return DOCX, _docx_html(data, docx_check)
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


def original_filename(upload):
    """The uploaded file's own name without any folders, kept only to show it back to people."""
    return (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
