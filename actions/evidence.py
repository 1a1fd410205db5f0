"""Evidence files attached to progress updates: checked by the one upload check every page uses.

A file is a PDF, a Word document, an Excel workbook, or a PNG or JPEG image, each checked by its
content, never its name (core/uploads.py), and stored as it was uploaded.
"""

from dataclasses import dataclass

from core import uploads
from core.downloads import safe_name

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
# What the upload check calls each kind.
CHECKED_KINDS = {uploads.PDF: PDF, uploads.DOCX: DOCX, uploads.XLSX: XLSX, uploads.PNG: PNG, uploads.JPEG: JPEG}

ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"
WRONG_TYPE = uploads.wrong_kind_message(uploads.EVIDENCE)


def check(uploaded_file):
    """(kind, bytes) for an acceptable evidence file; DomainError(field="evidence") otherwise."""
    checked, _ = uploads.check_upload(uploaded_file, accept=uploads.EVIDENCE, field=FIELD)
    # Stored as uploaded: a Word document is kept as the file it is, not the HTML it converts to.
    uploaded_file.seek(0)
    return CHECKED_KINDS[checked], uploaded_file.read(uploads.MAX_UPLOAD_BYTES + 1)


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
