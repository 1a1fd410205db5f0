"""The confidential summary's content: sanitising, the plain editor, checked uploads, versions and stamped PDFs."""

import base64
import hashlib
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject
from weasyprint import HTML

from core import crypto, uploads
from core.errors import DomainError
from core.models import AuditEntry
from core.uploads import check_upload, sanitise
from events import summary_documents
from events.models import SummaryVersion
from events.summary_documents import add_version, render_reader_pdf, text_to_html
from tests import hostile_files

pytestmark = pytest.mark.django_db

WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# Building test files.


def make_pdf(pages=1, text="Original page"):
    body = "".join(f'<p style="break-after: page">{text} {n + 1}</p>' for n in range(pages - 1))
    body += f"<p>{text} {pages}</p>"
    return HTML(string=f"<html lang='en'><body>{body}</body></html>").write_pdf()


def with_open_action_javascript():
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf()))
    writer.add_open_action(JavaScript("app.alert('hello');"))
    return _written(writer)


def with_catalog_open_action():
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf()))
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _written(writer)


def with_page_additional_action():
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf()))
    launch = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("x.exe")})
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): launch})
    return _written(writer)


def with_link_that_launches():
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf()))
    launch = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("x.exe")})
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(50), NumberObject(50)]),
            NameObject("/A"): launch,
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    return _written(writer)


def with_unreferenced_script():
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf()))
    writer._add_object(DictionaryObject({NameObject("/JS"): TextStringObject("app.alert(1)")}))
    return _written(writer)


def with_embedded_file():
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf()))
    writer.add_attachment("notes.txt", b"hidden")
    return _written(writer)


def _written(writer):
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def make_docx(paragraphs=("Hello",), *, document_xml=None):
    if document_xml is None:
        runs = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
        document_xml = (
            f'<?xml version="1.0" encoding="UTF-8"?>'
            f'<w:document xmlns:w="{WORD_NS}"><w:body>{runs}</w:body></w:document>'
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


def make_zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def upload(content, name="summary.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def pages_text(pdf):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


# Sanitising and the plain editor.


def test_sanitise_keeps_the_allowed_tags_and_strips_scripts_attributes_and_links():
    dirty = (
        '<h1>Title</h1><h2 class="x" onclick="evil()">Heading</h2><script>alert(1)</script>'
        '<p style="color:red">Read <a href="https://evil.example">this</a> <img src=x onerror=alert(1)></p>'
        "<ul><li><strong>one</strong></li></ul><ol><li><em>two</em><br></li></ol><h3>Sub</h3>"
    )

    clean = sanitise(dirty)

    assert clean == (
        "Title<h2>Heading</h2><p>Read this </p><ul><li><strong>one</strong></li></ul>"
        "<ol><li><em>two</em><br></li></ol><h3>Sub</h3>"
    )
    for forbidden in ("script", "alert", "onclick", "style", "href", "<a", "<img", "class"):
        assert forbidden not in clean


def test_the_plain_editor_makes_headings_lists_emphasis_and_paragraphs():
    text = (
        "## What is known\n"
        "Child A lived with *their mother*.\n"
        "They moved in **2024**.\n"
        "\n"
        "### Agencies\n"
        "- Police\n"
        "- Health, with **urgent** visits\n"
        "1. First contact\n"
        "2. Second contact\n"
        "\n"
        "Last paragraph."
    )

    assert text_to_html(text) == (
        "<h2>What is known</h2>"
        "<p>Child A lived with <em>their mother</em>.<br>They moved in <strong>2024</strong>.</p>"
        "<h3>Agencies</h3>"
        "<ul><li>Police</li><li>Health, with <strong>urgent</strong> visits</li></ul>"
        "<ol><li>First contact</li><li>Second contact</li></ol>"
        "<p>Last paragraph.</p>"
    )


def test_the_plain_editor_escapes_html_in_the_text():
    html = text_to_html('<script>alert("x")</script> and <b>bold</b> & <a href="x">link</a>')

    assert "<script" not in html
    assert "<b>" not in html
    assert "<a " not in html
    assert "&lt;script&gt;" in html
    assert "&amp;" in html


def test_a_line_that_starts_with_bold_is_a_paragraph_not_a_bullet():
    assert text_to_html("**Note** this") == "<p><strong>Note</strong> this</p>"


# Checking uploads.


def test_a_valid_pdf_is_accepted_as_it_is():
    pdf = make_pdf()

    assert check_upload(upload(pdf)) == (SummaryVersion.Source.PDF, pdf)


def test_a_word_document_becomes_sanitised_html():
    docx = make_docx(["Hello &lt;script&gt;alert(1)&lt;/script&gt;", "Second"])

    source, html = check_upload(upload(docx, "summary.docx"))

    assert source == SummaryVersion.Source.DOCX
    assert html == "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;</p><p>Second</p>"


def zip_bomb():
    # One member of 60 MB of zeros: about 60 KB compressed, a ratio near 1,000.
    return make_zip([("word/document.xml", bytes(60 * 1024 * 1024))])


REFUSALS = {
    "too big": (lambda: b"%PDF-1.7\n" + bytes(10 * 1024 * 1024), "summary.pdf", "smaller than 10 MB"),
    "neither pdf nor docx": (lambda: b"<html>not a document</html>", "summary.pdf", "must be a PDF or a Word"),
    "docx that is text": (lambda: b"Just some text", "summary.docx", "This is not a Word document"),
    "unreadable pdf": (lambda: b"%PDF-1.7\ngarbage", "summary.pdf", "This PDF cannot be read"),
    "javascript on open": (with_open_action_javascript, "summary.pdf", "contains scripts, actions"),
    "catalog open action": (with_catalog_open_action, "summary.pdf", "contains scripts, actions"),
    "page launch action": (with_page_additional_action, "summary.pdf", "contains scripts, actions"),
    "embedded file": (with_embedded_file, "summary.pdf", "contains scripts, actions"),
    "link that launches a program": (with_link_that_launches, "summary.pdf", "contains scripts, actions"),
    "script nothing points to": (with_unreferenced_script, "summary.pdf", "contains scripts, actions"),
    "zip without document.xml": (
        lambda: make_zip([("word/other.xml", "<x/>")]),
        "summary.docx",
        "This is not a Word document",
    ),
    "broken zip": (lambda: b"PK\x03\x04" + b"\x00" * 100, "summary.docx", "This is not a Word document"),
    "zip bomb by ratio": (zip_bomb, "summary.docx", "unpacks to far more than its size"),
    "zip bomb by entries": (
        lambda: make_zip([("word/document.xml", "<x/>")] + [(f"f{n}", "") for n in range(501)]),
        "summary.docx",
        "unpacks to far more than its size",
    ),
    "word document mammoth cannot read": (
        lambda: make_docx(document_xml="<not xml"),
        "summary.docx",
        "could not be converted",
    ),
    "empty word document": (lambda: make_docx([]), "summary.docx", "has no text"),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_bad_uploads_are_refused_with_a_clear_message_and_nothing_stored(case, event, reviewer, settings):
    build, name, message = REFUSALS[case]

    with pytest.raises(DomainError) as raised:
        add_version(event, upload=upload(build(), name), created_by=reviewer)

    assert message in str(raised.value)
    assert raised.value.field == "file"
    assert not SummaryVersion.objects.exists()
    assert stored_files(settings) == []
    assert not AuditEntry.objects.filter(action__startswith="summary.").exists()


def test_a_zip_over_the_total_unpacked_size_is_refused(monkeypatch):
    # A real 50 MB zip with modest compression would be over the upload limit; lower the bar instead.
    monkeypatch.setattr(uploads, "MAX_ZIP_UNCOMPRESSED", 1000)
    docx = make_docx(["x" * 600, "y" * 600])

    with pytest.raises(DomainError, match="unpacks to far more"):
        check_upload(upload(docx, "summary.docx"))


def test_the_upload_page_shows_the_message_next_to_the_field(client, reviewer, partnership, event, settings):
    client.force_login(reviewer)

    response = client.post(
        reverse("events:summary_upload", args=[partnership.slug, event.pk]),
        {"file": upload(with_open_action_javascript())},
    )

    assert response.status_code == 200
    assert "contains scripts, actions" in response.context["form"].errors["file"][0]
    assert "There is a problem" in response.content.decode()
    assert not SummaryVersion.objects.exists()
    assert stored_files(settings) == []


# Versions.


def test_versions_are_numbered_in_turn_and_audited_without_their_content(event, reviewer, business_manager):
    first = add_version(event, text="## Secret heading\nSecret words", created_by=reviewer)
    second = add_version(event, upload=upload(make_docx(["From Word"]), "my summary.docx"), created_by=business_manager)

    assert (first.number, first.source) == (1, SummaryVersion.Source.WRITTEN)
    assert (second.number, second.source, second.original_filename) == (
        2,
        SummaryVersion.Source.DOCX,
        "my summary.docx",
    )
    assert summary_documents.version_html(first) == "<h2>Secret heading</h2><p>Secret words</p>"
    assert summary_documents.version_html(second) == "<p>From Word</p>"
    entries = AuditEntry.objects.filter(action="summary.version_added").order_by("id")
    assert [entry.detail for entry in entries] == [
        {"event_id": event.pk, "number": 1, "source": "written", "names_found": 0},
        {"event_id": event.pk, "number": 2, "source": "docx", "names_found": 0},
    ]
    assert "Secret" not in str([entry.detail for entry in entries])


def test_a_pdf_is_stored_under_a_generated_name(event, reviewer, settings):
    pdf = make_pdf()

    version = add_version(event, upload=upload(pdf, "../../Child real name.pdf"), created_by=reviewer)

    assert version.file.name.startswith("summaries/")
    assert version.file.name.endswith(".pdf")
    assert "real name" not in version.file.name
    assert version.original_filename == "Child real name.pdf"
    assert (Path(settings.MEDIA_ROOT) / version.file.name).read_bytes() == pdf
    assert summary_documents.version_html(version) is None


def test_empty_written_text_is_refused(event, reviewer):
    with pytest.raises(DomainError, match="Enter the summary"):
        add_version(event, text="  \n\n ", created_by=reviewer)
    assert not SummaryVersion.objects.exists()


# The stamp.


def long_text(paragraphs=40):
    sentence = "This paragraph of the summary describes what happened in some detail. "
    return "\n\n".join(f"## Part {n}\n{sentence * 3}" for n in range(paragraphs))


def assert_stamped_on_every_page(pdf, reader_name, pages_at_least):
    texts = pages_text(pdf)
    assert len(texts) >= pages_at_least
    for text in texts:
        assert reader_name in text
        assert "Confidential" in text
        assert "23 November 2026" in text


def test_every_page_of_a_written_summary_is_stamped_for_its_reader(event, reviewer):
    version = add_version(event, text=long_text(), created_by=reviewer)

    pdf = render_reader_pdf(version, reader_name="Sam Green", when=date(2026, 11, 23))

    assert_stamped_on_every_page(pdf, "Sam Green", 3)
    plain = pages_text(summary_documents.render_plain_pdf(version))
    assert not any("Sam Green" in text for text in plain)


def test_every_page_of_an_uploaded_pdf_is_stamped_and_keeps_its_text(event, reviewer):
    version = add_version(event, upload=upload(make_pdf(pages=3)), created_by=reviewer)

    pdf = render_reader_pdf(version, reader_name="Lee Patel", when=date(2026, 11, 23))

    assert_stamped_on_every_page(pdf, "Lee Patel", 3)
    texts = pages_text(pdf)
    assert len(texts) == 3
    for number, text in enumerate(texts, start=1):
        assert f"Original page {number}" in text


def test_a_pdf_with_pages_of_different_sizes_is_stamped_on_each(event, reviewer):
    writer = PdfWriter()
    for size in ("A4", "A5 landscape"):
        page_pdf = HTML(string=f"<style>@page {{ size: {size} }}</style><p>Page in {size}</p>").write_pdf()
        writer.append(io.BytesIO(page_pdf))
    version = add_version(event, upload=upload(_written(writer)), created_by=reviewer)

    pdf = render_reader_pdf(version, reader_name="Lee Patel", when=date(2026, 11, 23))

    assert_stamped_on_every_page(pdf, "Lee Patel", 2)


def cached_pdf_key(version):
    body = summary_documents.version_html(version)
    return f"summary-pdf:{version.pk}:{hashlib.sha256(body.encode()).hexdigest()[:16]}"


def test_a_written_version_is_laid_out_after_commit_and_kept_encrypted(
    event, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = add_version(event, text="## Known so far\nSecret detail", created_by=reviewer)

    cached = cache.get(cached_pdf_key(version))
    assert isinstance(cached, str)
    assert "Secret" not in cached
    assert "%PDF" not in cached
    pdf = base64.b64decode(crypto.decrypt(cached))
    assert pdf.startswith(b"%PDF-")
    assert "Secret detail" in pages_text(pdf)[0]


def test_a_cached_pdf_under_a_retired_key_is_rendered_afresh(event, reviewer):
    version = add_version(event, text="Some text", created_by=reviewer)
    cache.set(cached_pdf_key(version), "not a token we can read")

    pdf = render_reader_pdf(version, reader_name="Sam Green", when=date(2026, 11, 23))

    assert "Sam Green" in pages_text(pdf)[0]
    assert cache.get(cached_pdf_key(version)) != "not a token we can read"


# The staff pages.


def staff_urls(partnership, event, version):
    slug = partnership.slug
    return [
        reverse("events:summary_versions", args=[slug, event.pk]),
        reverse("events:summary_write", args=[slug, event.pk]),
        reverse("events:summary_upload", args=[slug, event.pk]),
        reverse("events:summary_version", args=[slug, event.pk, version.number]),
    ]


@pytest.fixture
def version(event, reviewer):
    return add_version(event, text="## Known so far\nThe summary text.", created_by=reviewer)


@pytest.mark.parametrize("who", ["reviewer", "business_manager"])
def test_the_reviewer_and_the_business_manager_reach_every_page(who, request, client, partnership, event, version):
    client.force_login(request.getfixturevalue(who))

    for url in staff_urls(partnership, event, version):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["unassigned_reviewer", "outsider"])
def test_others_get_404_everywhere(who, request, client, partnership, event, version):
    client.force_login(request.getfixturevalue(who))
    slug = partnership.slug

    for url in [
        *staff_urls(partnership, event, version),
        reverse("events:summary_version_file", args=[slug, event.pk, version.number]),
        reverse("events:summary_version_pdf", args=[slug, event.pk, version.number]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("events:summary_write", args=[slug, event.pk]), {"text": "Hi"}).status_code == 404
    assert SummaryVersion.objects.count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(client, partnership, event, version):
    for url in staff_urls(partnership, event, version):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_writing_saves_a_version_and_shows_it(client, reviewer, partnership, event):
    client.force_login(reviewer)

    response = client.post(
        reverse("events:summary_write", args=[partnership.slug, event.pk]),
        {"text": "## Heading\n- one\n<script>x</script>"},
    )

    version = SummaryVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:summary_version", args=[partnership.slug, event.pk, 1])
    page = client.get(response["Location"]).content.decode()
    # Numbered by paragraph on the staff's page, as the names check counts them.
    assert re.search(r'<h2 id="paragraph-1">.*Heading</h2><ul><li id="paragraph-2">.*one</li></ul>', page)
    assert "<script>x</script>" not in page
    assert version.created_by == reviewer
    assert AuditEntry.objects.filter(action="summary.version_viewed", object_id=str(version.pk)).exists()


def test_the_list_shows_versions_newest_first(client, business_manager, reviewer, partnership, event, version):
    add_version(event, upload=upload(make_pdf(), "agency.pdf"), created_by=business_manager)
    client.force_login(business_manager)

    response = client.get(reverse("events:summary_versions", args=[partnership.slug, event.pk]))

    assert [v.number for v in response.context["versions"]] == [2, 1]
    page = response.content.decode()
    assert "agency.pdf" in page
    assert "Uploaded PDF" in page
    assert "Tom Ellis" in page


def test_an_uploaded_pdf_downloads_as_an_attachment_that_cannot_run(client, reviewer, partnership, event):
    pdf = make_pdf()
    version = add_version(event, upload=upload(pdf, 'bad"name<>.pdf'), created_by=reviewer)
    client.force_login(reviewer)

    response = client.get(reverse("events:summary_version_file", args=[partnership.slug, event.pk, version.number]))

    assert response.status_code == 200
    assert response.content == pdf
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="confidential-summary-CSPR-2026-01-v1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert AuditEntry.objects.filter(action="summary.version_downloaded").count() == 1


def test_staff_can_download_the_stamped_pdf_for_themselves(client, reviewer, partnership, event, version):
    client.force_login(reviewer)

    response = client.get(reverse("events:summary_version_pdf", args=[partnership.slug, event.pk, version.number]))

    assert response.status_code == 200
    assert all("Tom Ellis" in text for text in pages_text(response.content))


def test_uploading_through_the_page_stores_the_pdf_as_a_new_version(client, business_manager, partnership, event):
    client.force_login(business_manager)
    url = reverse("events:summary_upload", args=[partnership.slug, event.pk])
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'class="govuk-file-upload"' in page

    response = client.post(url, {"file": upload(make_pdf(), "Summary v3.pdf")})

    version = SummaryVersion.objects.get()
    assert response["Location"] == reverse("events:summary_version", args=[partnership.slug, event.pk, 1])
    assert (version.source, version.original_filename, version.created_by) == (
        SummaryVersion.Source.PDF,
        "Summary v3.pdf",
        business_manager,
    )
    page = client.get(response["Location"]).content.decode()
    assert reverse("events:summary_version_file", args=[partnership.slug, event.pk, 1]) in page


@pytest.mark.parametrize(
    ("build", "name", "message"),
    [
        (hostile_files.html_pdf_polyglot, "summary.pdf", "web page code"),
        (hostile_files.docx_with_macro_project, "summary.docx", "contains macros"),
        (hostile_files.docm, "summary.docm", "contains macros"),
    ],
    ids=["html and pdf polyglot", "word document with a macro project", "macro-enabled word document"],
)
def test_the_summary_page_refuses_what_the_draft_report_refuses(
    client, reviewer, partnership, event, settings, build, name, message
):
    client.force_login(reviewer)

    response = client.post(
        reverse("events:summary_upload", args=[partnership.slug, event.pk]), {"file": upload(build(), name)}
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    assert "There is a problem" in response.content.decode()
    assert not SummaryVersion.objects.exists()
    assert stored_files(settings) == []
