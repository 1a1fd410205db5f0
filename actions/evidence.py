"""Evidence files attached to progress updates: checked by their content, never by their name.

A file is a PDF (with nothing in it that can run), a Word document or Excel workbook (a zip
that unpacks to a sensible size and holds no macros), or a PNG or JPEG image that really opens.
"""

import io
import zipfile
from dataclasses import dataclass

from PIL import Image

from core.downloads import safe_name
from core.errors import DomainError
from core.uploads import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_LABEL,
    MAX_ZIP_ENTRIES,
    MAX_ZIP_RATIO,
    MAX_ZIP_UNCOMPRESSED,
    _checked_pdf,
)

FIELD = "evidence"


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str


PDF = Kind("pdf", "application/pdf")
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PNG = Kind("png", "image/png")
JPEG = Kind("jpg", "image/jpeg")
KINDS = {kind.extension: kind for kind in (PDF, DOCX, XLSX, PNG, JPEG)}

ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"
WRONG_TYPE = "The file must be a PDF, a Word document (.docx), an Excel workbook (.xlsx), or a PNG or JPEG image"


def check(uploaded_file):
    """(kind, bytes) for an acceptable evidence file; DomainError(field="evidence") otherwise."""
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise DomainError(f"The file must be smaller than {MAX_UPLOAD_LABEL}", field=FIELD)
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(f"The file must be smaller than {MAX_UPLOAD_LABEL}", field=FIELD)
    if not data:
        raise DomainError("The selected file is empty", field=FIELD)
    if data.startswith(b"%PDF-"):
        try:
            return PDF, _checked_pdf(data)
        except DomainError as error:
            raise DomainError(str(error), field=FIELD) from error
    if data.startswith(b"PK\x03\x04"):
        return _checked_office(data), data
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _checked_image(data, "PNG", PNG), data
    if data.startswith(b"\xff\xd8\xff"):
        return _checked_image(data, "JPEG", JPEG), data
    raise DomainError(WRONG_TYPE, field=FIELD)


def _checked_office(data):
    """A Word document or Excel workbook, told apart by what the zip holds; macros are refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise DomainError(WRONG_TYPE, field=FIELD) from error
    # The same limits as for the summary's Word documents, read from the central directory only.
    total = sum(member.file_size for member in members)
    too_packed = any(
        member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1) for member in members if member.file_size
    )
    if len(members) > MAX_ZIP_ENTRIES or total > MAX_ZIP_UNCOMPRESSED or too_packed:
        raise DomainError(
            "This file unpacks to far more than its size, which Word and Excel files do not. "
            "It may be damaged or harmful, so it was not accepted",
            field=FIELD,
        )
    names = {member.filename for member in members}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise DomainError(
            "Files with macros are not accepted. Save it without macros and upload that copy", field=FIELD
        )
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    raise DomainError(WRONG_TYPE, field=FIELD)


def _checked_image(data, expected_format, kind):
    """The image must open as what its first bytes say it is."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected_format:
                raise DomainError(WRONG_TYPE, field=FIELD)
            image.verify()
    except DomainError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise DomainError(
            "This image cannot be opened. It may be damaged: save it again and upload it", field=FIELD
        ) from error
    return kind


def original_name(uploaded_file):
    """The name the file had on the uploader's computer, without any folders, for showing on pages."""
    return (getattr(uploaded_file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:200]


def download_name(update):
    """A safe file name for an update's evidence, its extension taken from what the content is."""
    extension = update.evidence.name.rsplit(".", 1)[-1]
    stem = update.evidence_filename.rsplit(".", 1)[0] if "." in update.evidence_filename else update.evidence_filename
    return f"{safe_name(stem)[:80] or 'evidence'}.{extension}"


def kind_of(update):
    return KINDS[update.evidence.name.rsplit(".", 1)[-1]]
