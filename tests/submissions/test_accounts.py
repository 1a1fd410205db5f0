"""Agencies' written accounts: the business manager asks, the safeguarding lead sends files and asks for more
time through a personal link, the business manager answers, and only the review's team reads the files."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry, Membership
from notifications.models import OutboundMessage
from reviews import services as reviews
from reviews.models import Review
from submissions.models import AccountRequest, AccountVersion, Extension
from tests.conftest import make_staff
from tests.reports.documents import docx, pdf, upload
from tests.submissions.conftest import ask, link_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def progress_url(review):
    return reverse("accounts:progress", args=[review.partnership.slug, review.pk])


def send_file(lead, content, name="chronology.pdf", document=0):
    return lead.post(reverse("account_link:page"), {"file": upload(content, name), "document": document})


# The business manager asks ---------------------------------------------------------------------------


def test_asking_emails_each_lead_a_link_with_a_deadline_in_working_days(bm_client, review, agencies, frozen):
    response = ask(bm_client, review, agencies)
    assert response.status_code == 302
    requests = AccountRequest.objects.filter(review=review)
    assert requests.count() == 2
    # Monday 21 December 2026 + 5 working days, past Christmas and the Boxing Day holiday.
    assert {r.deadline for r in requests} == {date(2026, 12, 30)}
    assert all(r.token_hash and r.token_expires_at for r in requests)
    messages = OutboundMessage.objects.filter(kind="account_request").order_by("recipient")
    assert [m.recipient for m in messages] == ["ann.berry@health.example", "kim.lowe@police.example"]
    assert "30 December 2026" in messages[0].body_text and "a chronology" in messages[0].body_text
    assert messages[0].subject.startswith("Please send your agency's written account for review ")
    assert AuditEntry.objects.filter(action="accounts.requested").count() == 1
    page = bm_client.get(progress_url(review))
    assert page.status_code == 200
    assert b"Northvale Police" in page.content and b"Asked" in page.content


def test_asking_for_the_partnerships_template_needs_its_name_and_a_good_file(bm_client, review, agencies, frozen):
    response = ask(bm_client, review, agencies, kind="template")
    assert response.status_code == 200
    assert "Enter the name of your template" in response.content.decode()
    assert "Choose your template&#x27;s file to upload" in response.content.decode()
    response = ask(
        bm_client,
        review,
        agencies,
        kind="template",
        template_name="Individual management review",
        template_file=upload(b"name,date\n", "template.docx"),
    )
    assert response.status_code == 200
    assert "This is not a Word document" in response.content.decode()
    assert not AccountRequest.objects.exists() and not OutboundMessage.objects.exists()

    response = ask(
        bm_client,
        review,
        agencies[:1],
        kind="template",
        template_name="Individual management review",
        template_file=upload(docx(["Your agency's account"]), "IMR template.docx"),
    )
    assert response.status_code == 302
    account_request = AccountRequest.objects.get()
    assert account_request.template.name == "Individual management review"
    lead = Client()
    lead.post(link_in(OutboundMessage.objects.get()))
    download = lead.get(reverse("account_link:template"))
    assert download.status_code == 200
    assert download.content == docx(["Your agency's account"])
    assert download["Content-Disposition"].startswith("attachment")


def test_asking_refuses_bad_input_with_a_clear_message(bm_client, review, agencies, frozen):
    response = ask(bm_client, review, [], working_days=0)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one agency to ask" in content
    assert "The number of working days must be between 1 and 60" in content
    assert not AccountRequest.objects.exists()


def test_an_agency_already_asked_is_not_offered_again(bm_client, review, agencies, frozen):
    ask(bm_client, review, agencies[:1])
    response = ask(bm_client, review, agencies[:1])
    assert response.status_code == 200
    assert AccountRequest.objects.count() == 1
    assert OutboundMessage.objects.count() == 1


# The safeguarding lead ------------------------------------------------------------------------------


def test_opening_the_link_shows_a_page_and_changes_nothing_until_the_button(asked, review):
    browser = Client()
    assert browser.get(asked).status_code == 200
    assert AccountRequest.objects.get().opened_at is None
    browser.post(asked)
    assert AccountRequest.objects.get().opened_at is not None
    assert AuditEntry.objects.filter(action="link.opened", actor_label="safeguarding lead, Northvale Police").exists()


def test_the_lead_uploads_files_and_new_versions_keep_the_history(lead, review):
    response = send_file(lead, pdf(["Chronology, first go"]))
    assert response.status_code == 302
    response = send_file(lead, docx(["Agency report"]), "agency report.docx")
    assert response.status_code == 302
    first = AccountVersion.objects.get(original_filename="chronology.pdf")
    response = send_file(lead, pdf(["Chronology, corrected"]), "chronology v2.pdf", document=first.document_id)
    assert response.status_code == 302
    versions = AccountVersion.objects.filter(document=first.document).order_by("number")
    assert [(v.number, v.original_filename) for v in versions] == [(1, "chronology.pdf"), (2, "chronology v2.pdf")]
    assert versions[0].file and versions[1].file  # the first is kept, replaced
    assert versions[1].file.name.endswith(".pdf")
    assert AccountVersion.objects.get(original_filename="agency report.docx").file.name.endswith(".docx")
    assert AuditEntry.objects.filter(action="account.file_uploaded").count() == 3
    page = lead.get(reverse("account_link:page")).content.decode()
    assert "chronology v2.pdf" in page and "Version 2" in page
    # The lead is told plainly that the files are already seen, and what sending is for.
    assert "The partnership can see each file as soon as you upload it." in page
    assert "send your account: that tells them it is finished" in page
    assert "Not sent yet: the partnership can already see the files you have uploaded" in page


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"name,date\n", "chronology.csv", "The file must be a PDF or a Word document (.docx)"),
        (b"", "empty.pdf", "The selected file is empty"),
        (docx(["Account"], macros="part"), "account.docx", "contains macros"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(lead, content, name, message):
    response = send_file(lead, content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not AccountVersion.objects.exists()


def test_the_lead_says_who_wrote_it_and_sends_it(lead):
    send = reverse("account_link:send")
    page = lead.get(send).content.decode()
    assert "Sending tells them your account is finished." in page
    assert "Back to your agency's written account" in page and "Back to your account<" not in page
    assert "Back to your agency's written account" in lead.get(reverse("account_link:more_time")).content.decode()
    response = lead.post(send, {"author_name": "", "author_role": ""})
    assert "Enter the name of the person who wrote the account" in response.content.decode()
    response = lead.post(send, {"author_name": "DS Kim Lowe", "author_role": "Detective sergeant"})
    assert "Upload at least one file before you send your account" in response.content.decode()
    assert AccountRequest.objects.get().sent_at is None
    send_file(lead, pdf(["Chronology"]))
    response = lead.post(send, {"author_name": "DS Kim Lowe", "author_role": "Detective sergeant"})
    assert response.status_code == 302
    account_request = AccountRequest.objects.get()
    assert account_request.sent_at is not None and account_request.author_name == "DS Kim Lowe"
    assert AuditEntry.objects.filter(action="account.sent").exists()


def test_the_lead_asks_for_more_time_with_a_reason(lead):
    more_time = reverse("account_link:more_time")
    response = lead.post(more_time, {"new_deadline_0": "29", "new_deadline_1": "12", "new_deadline_2": "2026"})
    content = response.content.decode()
    assert "Enter why you need more time" in content
    assert "The new date must be after the date your account is needed by, Wednesday 30 December 2026" in content
    assert not Extension.objects.exists()
    data = {"new_deadline_0": "15", "new_deadline_1": "1", "new_deadline_2": "2027", "reason": "Records archived."}
    assert lead.post(more_time, data).status_code == 302
    extension = Extension.objects.get()
    assert (extension.new_deadline, extension.decision) == (date(2027, 1, 15), "pending")
    asked = OutboundMessage.objects.get(kind="account_extension_asked")
    assert asked.recipient == AccountRequest.objects.get().requested_by.email
    assert "Friday 15 January 2027" in asked.body_text
    assert (
        reverse(
            "accounts:extension",
            args=[extension.request.review.partnership.slug, extension.request.review_id, extension.pk],
        )
        in asked.body_text
    )
    response = lead.post(more_time, data | {"new_deadline_0": "20"})
    assert "You have already asked for more time" in response.content.decode()
    assert Extension.objects.count() == 1


# The business manager answers ----------------------------------------------------------------------


@pytest.fixture
def extension(lead):
    lead.post(
        reverse("account_link:more_time"),
        {"new_deadline_0": "15", "new_deadline_1": "1", "new_deadline_2": "2027", "reason": "Records archived."},
    )
    return Extension.objects.get()


def answer_url(review, extension):
    return reverse("accounts:extension", args=[review.partnership.slug, review.pk, extension.pk])


def test_granting_more_time_moves_the_deadline_and_tells_the_lead(bm_client, review, extension):
    assert bm_client.get(answer_url(review, extension)).status_code == 200
    response = bm_client.post(answer_url(review, extension), {"decision": "grant"})
    assert response.status_code == 302
    account_request = AccountRequest.objects.get()
    assert account_request.deadline == date(2027, 1, 15)
    assert Extension.objects.get().decision == "granted"
    email = OutboundMessage.objects.get(kind="account_extension_decided")
    assert "15 January 2027" in email.body_text and email.recipient == "kim.lowe@police.example"
    assert AuditEntry.objects.filter(action="account.extension_granted").exists()
    # Answered once: a second answer is refused and changes nothing.
    response = bm_client.post(answer_url(review, extension), {"decision": "refuse", "refusal_reason": "No."})
    assert "already granted" in response.content.decode()
    assert Extension.objects.get().decision == "granted"


def test_refusing_needs_a_reason_and_keeps_the_deadline(bm_client, review, extension):
    response = bm_client.post(answer_url(review, extension), {"decision": "refuse"})
    assert response.status_code == 200
    assert "Enter why you are refusing more time" in response.content.decode()
    assert Extension.objects.get().decision == "pending"
    response = bm_client.post(
        answer_url(review, extension), {"decision": "refuse", "refusal_reason": "The panel meets on 4 January."}
    )
    assert response.status_code == 302
    assert AccountRequest.objects.get().deadline == date(2026, 12, 30)
    email = OutboundMessage.objects.get(kind="account_extension_decided")
    assert "The panel meets on 4 January." in email.body_text
    assert AuditEntry.objects.filter(action="account.extension_refused").exists()


def test_only_the_business_manager_answers(client, reviewer, review, extension):
    client.force_login(reviewer)
    assert client.post(answer_url(review, extension), {"decision": "grant"}).status_code == 403
    assert Extension.objects.get().decision == "pending"


# Reading the files -----------------------------------------------------------------------------------


@pytest.fixture
def version(lead):
    send_file(lead, pdf(["Chronology"]))
    return AccountVersion.objects.get()


def file_url(review, version):
    return reverse("accounts:file", args=[review.partnership.slug, review.pk, version.pk])


def test_the_business_manager_and_the_reviewer_read_files_and_each_read_is_audited(
    bm_client, business_manager, reviewer, review, version
):
    response = bm_client.get(file_url(review, version))
    assert response.status_code == 200
    assert response.content == version.file_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    reviewer_client = Client()
    reviewer_client.force_login(reviewer)
    assert reviewer_client.get(file_url(review, version)).status_code == 200
    reads = AuditEntry.objects.filter(action="account.file_read").order_by("pk")
    assert [entry.actor for entry in reads] == [business_manager, reviewer]


def test_nobody_else_reads_the_files(review, version, partnership, outsider):
    unassigned = Client()
    unassigned.force_login(make_staff("nadia@northvale.example", "Nadia Rahman", partnership, Membership.Role.REVIEWER))
    assert unassigned.get(file_url(review, version)).status_code == 404
    other = Client()
    other.force_login(outsider)
    assert other.get(file_url(review, version)).status_code == 404
    assert Client().get(file_url(review, version)).status_code == 302  # sent to sign in
    assert not AuditEntry.objects.filter(action="account.file_read").exists()


def test_the_progress_page_shows_each_agencys_progress(
    bm_client, business_manager, review, agencies, lead, extension, frozen
):
    send_file(lead, pdf(["Chronology"]))
    page = bm_client.get(progress_url(review)).content.decode()
    assert "Opened" in page and "Asked for 15 January 2027" in page and "chronology.pdf" in page
    frozen.move_to(date(2027, 1, 4))
    bm_client.force_login(business_manager)
    page = bm_client.get(progress_url(review)).content.decode()
    assert "Late" in page


def test_a_finished_review_cannot_ask_and_says_why(bm_client, review, agencies):
    Review.objects.filter(pk=review.pk).update(status=Review.Status.PUBLISHED)
    response = ask(bm_client, review, agencies)
    assert response.status_code == 200
    assert "This review is finished: agencies can no longer be asked for their accounts" in response.content.decode()
    assert not AccountRequest.objects.exists() and not OutboundMessage.objects.exists()


def test_a_file_is_read_only_under_its_own_review(bm_client, partnership, business_manager, reviewer, version):
    other = reviews.create_review(
        partnership=partnership,
        data={
            "review_type": "cspr",
            "reference": "CSPR 2026-09",
            "pseudonym": "Child Z",
            "subject_name": "Sam Other",
            "scope_start": "2024-01-01",
            "scope_end": "2025-12-31",
            "incident_notified_on": None,
            "commissioned_on": None,
            "target_completion_on": None,
            "reviewers": [reviewer],
            "theme_titles": [],
        },
        created_by=business_manager,
    )
    assert bm_client.get(file_url(other, version)).status_code == 404
    assert not AuditEntry.objects.filter(action="account.file_read").exists()
