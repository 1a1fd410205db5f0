"""Real draft reports for tests: small Word documents and PDFs built on the spot.

`docx(["First paragraph", "Second"])` is a Word document mammoth converts; its options add what
uploads must refuse (macros, content kept outside the document) or what they must keep (headings,
ordinary links). `pdf(["Page one text", "Page two text"])` is a PDF with one page per string.
"""

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_DOCUMENT_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
RELATIONSHIP_TYPES = {
    "hyperlink": f"{REL_NS}/hyperlink",
    "template": f"{REL_NS}/attachedTemplate",
    "image": f"{REL_NS}/image",
    "object": f"{REL_NS}/oleObject",
    "frame": f"{REL_NS}/frame",
}
DOCX_NAME = "draft report.docx"
PDF_NAME = "draft report.pdf"


def docx(paragraphs, *, headings=(), macros=False, external=(), link=None):
    """A Word document with one paragraph per string.

    headings: indexes of paragraphs styled "Heading 1".
    macros: "part" adds a macro project; "content type" declares the document macro-enabled.
    external: kinds from RELATIONSHIP_TYPES to link to a file outside the document.
    link: a web address for an ordinary hyperlink on the first paragraph.
    """
    body = []
    for index, text in enumerate(paragraphs):
        style = '<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>' if index in headings else ""
        run = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
        if index == 0 and link:
            run = f'<w:hyperlink r:id="rIdLink">{run}</w:hyperlink>'
        body.append(f"<w:p>{style}{run}</w:p>")
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{WORD_NS}" xmlns:r="{REL_NS}"><w:body>{"".join(body)}</w:body></w:document>'
    )
    relationships = [f'<Relationship Id="rIdStyles" Type="{REL_NS}/styles" Target="styles.xml"/>']
    if link:
        relationships.append(_relationship("rIdLink", "hyperlink", link))
    for number, kind in enumerate(external):
        relationships.append(_relationship(f"rIdOut{number}", kind, f"file:///C:/outside/{kind}.bin"))
    main_type = MACRO_DOCUMENT_TYPE if macros == "content type" else DOCUMENT_TYPE
    overrides = [
        f'<Override PartName="/word/document.xml" ContentType="{main_type}"/>',
        '<Override PartName="/word/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>',
    ]
    members = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f"{''.join(overrides)}</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{PACKAGE_REL_NS}">'
            f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="word/document.xml"/>'
            "</Relationships>"
        ),
        "word/document.xml": document,
        "word/styles.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:styles xmlns:w="{WORD_NS}">'
            '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>'
            "</w:styles>"
        ),
        "word/_rels/document.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{PACKAGE_REL_NS}">{"".join(relationships)}</Relationships>'
        ),
    }
    if macros == "part":
        members["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 not really a macro project"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _relationship(identifier, kind, target):
    return (
        f'<Relationship Id="{identifier}" Type="{RELATIONSHIP_TYPES[kind]}" '
        f'Target={quoteattr(target)} TargetMode="External"/>'
    )


def pdf(pages):
    """A PDF with one page per string (WeasyPrint, A4)."""
    sections = "".join(f'<section style="break-after: page"><p>{escape(text)}</p></section>' for text in pages)
    return HTML(string=f"<html lang='en'><body>{sections}</body></html>").write_pdf()


def encrypted_pdf(pages, password="secret"):  # noqa: S107 - a test file's password
    writer = PdfWriter(clone_from=io.BytesIO(pdf(pages)))
    writer.encrypt(password)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def pdf_text(data):
    """Each page's text, as pypdf reads it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def upload(content, name=DOCX_NAME):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def seed_people(review):
    """People the anonymisation check knows about, one of each kind, on top of the real name.

    Returns {kind: full name}: an invitee of the review's event, a practitioner in the directory
    who was not invited, and a person an agency nominated (not in the directory).
    """
    from datetime import date, datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from events.models import Event, Invitation
    from practitioners.models import Agency, Nomination, NominationRequest, Practitioner

    london = ZoneInfo("Europe/London")
    agency = Agency.objects.create(partnership=review.partnership, name="Northvale Police", agency_type="police")
    invitee = Practitioner.objects.create(
        partnership=review.partnership, full_name="Sam Green", job_title="Detective", agency=agency
    )
    Practitioner.objects.create(
        partnership=review.partnership, full_name="Jo Ann Patel", job_title="Health visitor", agency=agency
    )
    event = Event.objects.create(
        review=review,
        title="Practitioner learning event",
        starts_at=datetime(2026, 12, 8, 10, 0, tzinfo=london),
        ends_at=datetime(2026, 12, 8, 13, 0, tzinfo=london),
        capacity=30,
        rsvp_deadline=date(2026, 11, 24),
    )
    Invitation.objects.create(event=event, practitioner=invitee)
    request = NominationRequest.objects.create(
        review=review,
        agency=agency,
        token_hash="0" * 64,
        token_expires_at=timezone.now() + timedelta(days=30),
        deadline=timezone.localdate() + timedelta(days=14),
    )
    Nomination.objects.create(request=request, full_name="Morgan Blake", job_title="Teacher", email="m@school.example")
    return {"invitee": "Sam Green", "practitioner": "Jo Ann Patel", "nominee": "Morgan Blake"}
