"""The one upload check, the strictest: every kind of hostile file is refused for every page that takes it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError
from core.uploads import DOCUMENTS, EVIDENCE, PDF, check_upload
from tests import hostile_files
from tests.reports.documents import docx, pdf

HOSTILE = {
    "html and pdf polyglot": (hostile_files.html_pdf_polyglot, "summary.pdf", "web page code"),
    "page after the pdf's end": (hostile_files.pdf_with_page_after_eof, "summary.pdf", "web page code"),
    "page before the pdf header": (hostile_files.page_before_pdf, "summary.pdf", "The file must be a PDF"),
    "word document with a macro project": (hostile_files.docx_with_macro_project, "summary.docx", "contains macros"),
    "macro-enabled word document": (hostile_files.docm, "summary.docm", "contains macros"),
}


def upload(content, name):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize("accept", [DOCUMENTS, EVIDENCE], ids=["documents", "evidence"])
@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_every_hostile_file_is_refused_whatever_the_page_takes(case, accept):
    build, name, message = HOSTILE[case]

    with pytest.raises(DomainError) as refused:
        check_upload(upload(build(), name), accept=accept, field="account")

    assert message in str(refused.value)
    assert refused.value.field == "account"


@pytest.mark.parametrize(
    ("build", "message"),
    [(hostile_files.xlsm, "The Excel workbook contains macros"), (hostile_files.png_with_script, "web page code")],
    ids=["excel workbook with macros", "png with a script"],
)
def test_evidence_kinds_are_held_to_the_same_rules(build, message):
    with pytest.raises(DomainError, match=message) as refused:
        check_upload(upload(build(), "evidence"), accept=EVIDENCE, field="evidence")

    assert refused.value.field == "evidence"


def test_a_kind_the_page_does_not_take_is_refused_by_naming_what_it_does():
    with pytest.raises(DomainError) as refused:
        check_upload(upload(hostile_files.png_with_script(), "photo.png"), accept=DOCUMENTS)

    assert str(refused.value) == "The file must be a PDF or a Word document (.docx)"
    assert refused.value.field == "file"


def test_ordinary_documents_still_pass():
    document = pdf(["A page of text"])

    assert check_upload(upload(document, "report.pdf"), accept=DOCUMENTS) == (PDF, document)
    assert check_upload(upload(docx(["Hello"], link="https://example.org"), "r.docx"))[1] == "<p>Hello</p>"
