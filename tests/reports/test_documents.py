"""Draft report versions: checked uploads, numbering in HTML and PDF, stamped copies, sign-off."""

import base64
import hashlib
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript

from core import crypto
from core.errors import DomainError
from core.models import AuditEntry
from reports import documents
from reports.documents import add_version, render_plain_pdf, render_reader_pdf, version_html
from reports.models import NameHit, ReportVersion, SignOff
from tests.reports.documents import docx, encrypted_pdf, pdf, pdf_text, upload

pytestmark = pytest.mark.django_db


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def numbered_ids(html):
    return re.findall(r'id="(paragraph-\d+|page-\d+)"', str(html))


# Word documents: numbered paragraphs.


def test_a_word_document_is_numbered_paragraph_by_paragraph(review, reviewer):
    paragraphs = ["Background", "The family moved in 2024.", "", "Agencies met twice.", "<script>alert(1)</script>"]

    version = add_version(review, upload=upload(docx(paragraphs, headings=[0])), created_by=reviewer)

    html = version_html(version)
    assert (version.number, version.source, version.unit_count) == (1, ReportVersion.Source.DOCX, 4)
    # The blank paragraph has no number: every number points at words.
    assert numbered_ids(html) == ["paragraph-1", "paragraph-2", "paragraph-3", "paragraph-4"]
    assert re.search(r'<h2 id="paragraph-1"><span class="convene-unit-number[^"]*">.*?1</span> Background</h2>', html)
    assert re.search(r'<p id="paragraph-3"><span class="convene-unit-number[^"]*">.*?3</span> Agencies met twice', html)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert documents.units(version) == [
        (1, "Background"),
        (2, "The family moved in 2024."),
        (3, "Agencies met twice."),
        (4, "<script>alert(1)</script>"),
    ]


def test_the_browser_html_is_cleaned_again_whatever_is_stored(review, reviewer):
    version = add_version(review, upload=upload(docx(["One"])), created_by=reviewer)
    version.body_html = '<p id="paragraph-1" onclick="evil()">One<img src=x onerror=alert(1)><a href="x">link</a></p>'

    html = version_html(version)

    assert html == '<p id="paragraph-1">Onelink</p>'


def test_an_ordinary_link_in_a_word_document_is_allowed_and_dropped(review, reviewer):
    version = add_version(
        review, upload=upload(docx(["See the guidance", "More"], link="https://example.org/guide")), created_by=reviewer
    )

    assert version.unit_count == 2
    assert "href" not in version_html(version)
    assert "See the guidance" in version_html(version)


def test_the_word_pdf_is_a4_tagged_and_has_the_numbers_in_the_margin(review, reviewer):
    paragraphs = [f"Paragraph text number {n} about what happened." for n in range(1, 61)]
    version = add_version(review, upload=upload(docx(paragraphs)), created_by=reviewer)

    data = render_plain_pdf(version)

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    assert [round(float(value)) for value in reader.pages[0].mediabox[2:]] == [595, 842]
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for accessibility (PDF/UA)
    layout = "\n".join(page.extract_text(extraction_mode="layout") for page in reader.pages)
    for number in (1, 2, 30, 60):
        # The number stands on the same line as its paragraph, to its left.
        assert re.search(rf"^\s*{number}\s+Paragraph text number {number} about", layout, re.MULTILINE), number
    first_line = next(line for line in layout.splitlines() if "Paragraph text number 1 " in line)
    assert first_line.index("1") < first_line.index("Paragraph")


def cached_pdf_key(version):
    digest = hashlib.sha256(version.body_html.encode()).hexdigest()[:16]
    return f"report-pdf:{version.pk}:{digest}"


def test_the_word_pdf_is_laid_out_after_commit_and_kept_encrypted(review, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version = add_version(review, upload=upload(docx(["Secret detail of the case"])), created_by=reviewer)

    cached = cache.get(cached_pdf_key(version))
    assert isinstance(cached, str)
    assert "Secret" not in cached
    pdf_bytes = base64.b64decode(crypto.decrypt(cached))
    assert "Secret detail of the case" in pdf_text(pdf_bytes)[0]
    assert render_plain_pdf(version) == pdf_bytes


# PDFs: numbered pages.


def test_a_pdf_is_kept_as_it_is_under_a_generated_name_and_numbered_by_page(review, reviewer, settings):
    data = pdf(["First page words", "Second page words", "Third page words"])

    version = add_version(review, upload=upload(data, "../Alex Smith draft.pdf"), created_by=reviewer)

    assert (version.source, version.unit_count) == (ReportVersion.Source.PDF, 3)
    assert re.fullmatch(r"reports/[0-9a-f-]{36}\.pdf", version.file.name)
    assert version.original_filename == "Alex Smith draft.pdf"
    assert (Path(settings.MEDIA_ROOT) / version.file.name).read_bytes() == data
    assert render_plain_pdf(version) == data
    html = version_html(version)
    assert numbered_ids(html) == ["page-1", "page-2", "page-3"]
    assert ">Page 2</h2><p>Second page words</p>" in html
    assert documents.units(version) == [(1, "First page words"), (2, "Second page words"), (3, "Third page words")]


# Each reader's stamped copy.


def assert_stamped(data, reader, pages_at_least):
    texts = pdf_text(data)
    assert len(texts) >= pages_at_least
    for text in texts:
        assert f"For {reader}" in text
        assert "Tuesday 8 December 2026" in text
        assert "Draft — for factual-accuracy check only" in text


def test_every_page_of_a_word_version_is_stamped_for_its_reader(review, reviewer):
    version = add_version(review, upload=upload(docx([f"Paragraph {n} " * 20 for n in range(40)])), created_by=reviewer)

    data = render_reader_pdf(version, reader_name="Lee Patel", when=date(2026, 12, 8))

    assert_stamped(data, "Lee Patel", 2)
    assert not any("Lee Patel" in text for text in pdf_text(render_plain_pdf(version)))


def test_every_page_of_an_uploaded_pdf_is_stamped_and_keeps_its_text(review, reviewer):
    version = add_version(review, upload=upload(pdf(["One", "Two", "Three"]), "draft.pdf"), created_by=reviewer)

    data = render_reader_pdf(version, reader_name="Sam Green", when=date(2026, 12, 8))

    assert_stamped(data, "Sam Green", 3)
    for number, text in enumerate(pdf_text(data)):
        assert ["One", "Two", "Three"][number] in text


# Refusals: a clear message, and nothing stored.


def with_javascript():
    writer = PdfWriter(clone_from=io.BytesIO(pdf(["Hello"])))
    writer.add_open_action(JavaScript("app.alert('hello');"))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", bytes(60 * 1024 * 1024))
    return buffer.getvalue()


def blank_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def with_entities():
    """A Word document whose relationships part declares entities (a "billion laughs" in small)."""
    original = zipfile.ZipFile(io.BytesIO(docx(["Hello"])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in original.namelist():
            content = original.read(name)
            if name == "word/_rels/document.xml.rels":
                content = (
                    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">&b;'
                    "</Relationships>"
                )
            archive.writestr(name, content)
    return buffer.getvalue()


REFUSALS = {
    "password-protected pdf": (lambda: encrypted_pdf(["Hello"]), "draft.pdf", "protected with a password"),
    "pdf with a script": (with_javascript, "draft.pdf", "contains scripts, actions"),
    "pdf with no text": (blank_pdf, "draft.pdf", "no text that can be read"),
    "word macros": (lambda: docx(["Hello"], macros="part"), "draft.docx", "contains macros"),
    "word macro-enabled type": (lambda: docx(["Hello"], macros="content type"), "draft.docm", "contains macros"),
    "linked template": (lambda: docx(["Hello"], external=["template"]), "draft.docx", "content kept outside it"),
    "linked picture": (lambda: docx(["Hello"], external=["image"]), "draft.docx", "content kept outside it"),
    "linked object": (lambda: docx(["Hello"], external=["object"]), "draft.docx", "content kept outside it"),
    "linked frame": (lambda: docx(["Hello"], external=["frame"]), "draft.docx", "content kept outside it"),
    "link beside a linked picture": (
        lambda: docx(["Hello"], link="https://example.org", external=["image"]),
        "draft.docx",
        "content kept outside it",
    ),
    "word part declaring entities": (with_entities, "draft.docx", "could not be read"),
    "empty word document": (lambda: docx([]), "draft.docx", "has no text"),
    "word document of blank lines": (lambda: docx(["", "   ", ""]), "draft.docx", "has no text"),
    "too big": (lambda: b"%PDF-1.7\n" + bytes(10 * 1024 * 1024), "draft.pdf", "smaller than 10 MB"),
    "neither pdf nor word": (lambda: b"Just some text", "draft.txt", "must be a PDF or a Word"),
    "zip bomb": (zip_bomb, "draft.docx", "unpacks to far more than its size"),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_bad_uploads_are_refused_with_a_clear_message_and_nothing_stored(case, review, reviewer, settings):
    build, name, message = REFUSALS[case]

    with pytest.raises(DomainError) as raised:
        add_version(review, upload=upload(build(), name), created_by=reviewer)

    assert message in str(raised.value)
    assert raised.value.field == "file"
    assert not ReportVersion.objects.exists()
    assert not NameHit.objects.exists()
    assert stored_files(settings) == []
    assert not AuditEntry.objects.filter(action__startswith="report.").exists()


# Versions and sign-off.


def test_versions_are_numbered_in_turn_and_audited_without_their_content(review, reviewer, business_manager):
    first = add_version(review, upload=upload(docx(["Secret words"])), created_by=reviewer)
    second = add_version(review, upload=upload(pdf(["Secret page"]), "v2.pdf"), created_by=business_manager)

    assert [first.number, second.number] == [1, 2]
    entries = AuditEntry.objects.filter(action="report.version_added").order_by("id")
    assert [entry.detail for entry in entries] == [
        {"review_id": review.pk, "number": 1, "source": "docx", "units": 1, "names_found": 0},
        {"review_id": review.pk, "number": 2, "source": "pdf", "units": 1, "names_found": 0},
    ]
    assert [entry.actor for entry in entries] == [reviewer, business_manager]
    assert "Secret" not in str([entry.detail for entry in entries])


def test_no_new_version_once_the_report_is_signed_off(review, reviewer, business_manager, settings):
    version = add_version(review, upload=upload(docx(["Final words"])), created_by=reviewer)
    SignOff.objects.create(
        review=review, version=version, body="Executive", signed_off_on=date(2027, 1, 5), minute_reference="M1"
    )

    with pytest.raises(DomainError, match="signed off") as raised:
        add_version(review, upload=upload(pdf(["Later"]), "later.pdf"), created_by=business_manager)

    assert raised.value.field == "file"
    assert list(ReportVersion.objects.values_list("number", flat=True)) == [1]
    assert stored_files(settings) == []
