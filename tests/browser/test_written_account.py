"""An agency's safeguarding lead follows the link in their email, uploads the agency's chronology, a bad file
and a new version, and asks for more time; the business manager sees the progress, grants the time and reads
the file. axe-core checks every page on both sides."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from weasyprint import HTML

from core.models import AuditEntry
from practitioners.models import Agency
from submissions.models import AccountRequest, AccountVersion, Extension
from tests.browser.conftest import AccessibilityChecker
from tests.browser.journey import signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def files(tmp_path):
    chronology = tmp_path / "chronology.pdf"
    chronology.write_bytes(HTML(string="<html lang='en'><body><p>Police chronology</p></body></html>").write_pdf())
    corrected = tmp_path / "chronology corrected.pdf"
    corrected.write_bytes(HTML(string="<html lang='en'><body><p>Corrected chronology</p></body></html>").write_pdf())
    spreadsheet = tmp_path / "chronology.csv"
    spreadsheet.write_text("date,event\n2025-01-01,Visit\n")
    return {"chronology": chronology, "corrected": corrected, "bad": spreadsheet}


def test_the_lead_sends_the_account_and_asks_for_more_time(
    page, a11y, browser, live_server, review, business_manager, files
):
    Agency.objects.create(
        partnership=review.partnership,
        name="Northvale Police",
        lead_name="DS Kim Lowe",
        lead_email="kim.lowe@police.example",
    )
    slug = review.partnership.slug

    # The business manager asks the police for a chronology from the review's page.
    context = signed_in_context(browser, live_server, business_manager)
    staff = context.new_page()
    checker = AccessibilityChecker(staff)
    staff.goto(f"/p/{slug}/reviews/{review.pk}/")
    checker.check()
    staff.get_by_role("link", name="Agencies' written accounts").click()
    checker.check()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Agencies' written accounts")
    staff.get_by_label("Northvale Police").check()
    staff.get_by_label("A chronology").check()
    staff.get_by_label("Working days the agencies have").fill("10")
    staff.get_by_role("button", name="Send the requests").click()
    checker.check()
    expect(staff.locator(".govuk-notification-banner--success")).to_contain_text("We have emailed 1 safeguarding lead")
    (message,) = mail.outbox
    assert message.to == ["kim.lowe@police.example"]
    path = re.search(r"https?://[^/\s]+(/written-account/[^/\s]+/)", message.body).group(1)

    # The lead opens the link: the page changes nothing until the button.
    page.goto(path)
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Send your agency's written account for review CSPR 2026-01"
    )
    assert AccountRequest.objects.get().opened_at is None
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/written-account/$"))
    a11y.check()
    assert AccountRequest.objects.get().opened_at is not None

    # A file that is not a PDF or Word document is refused, clearly.
    page.get_by_label("Upload a file").set_input_files(files["bad"])
    page.get_by_role("button", name="Upload the file").click()
    a11y.check()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The file must be a PDF or a Word document (.docx)")

    page.get_by_label("Upload a file").set_input_files(files["chronology"])
    page.get_by_role("button", name="Upload the file").click()
    a11y.check()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("chronology.pdf is saved")

    # A corrected chronology replaces the first, which is kept.
    page.get_by_label("Upload a file").set_input_files(files["corrected"])
    page.get_by_label(re.compile("Replaces chronology.pdf")).check()
    page.get_by_role("button", name="Upload the file").click()
    a11y.check()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved as version 2")

    # More time, with a reason; a date too early is refused first.
    page.get_by_role("link", name="Ask for more time").click()
    a11y.check()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2020")
    page.get_by_label("Why you need more time").fill("Our records are archived off site.")
    page.get_by_role("button", name="Ask for more time").click()
    a11y.check()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The new date must be after")
    deadline = AccountRequest.objects.get().deadline
    later = (
        deadline.replace(year=deadline.year + 1) if deadline.month == 12 else deadline.replace(month=deadline.month + 1)
    )
    page.get_by_label("Day").fill(str(later.day))
    page.get_by_label("Month").fill(str(later.month))
    page.get_by_label("Year").fill(str(later.year))
    page.get_by_role("button", name="Ask for more time").click()
    a11y.check()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You have asked for more time")
    expect(page.get_by_text("waiting for the partnership's answer")).to_be_visible()

    # The business manager sees the progress, grants the time and reads the corrected file.
    staff.reload()
    checker.check()
    row = staff.get_by_role("row").filter(has_text="Northvale Police")
    expect(row).to_contain_text("Opened")
    staff.get_by_role("link", name=re.compile("Answer")).click()
    checker.check()
    staff.get_by_role("button", name="Send your answer").click()
    checker.check()
    expect(staff.locator(".govuk-error-summary")).to_contain_text("Choose whether to grant or refuse more time")
    staff.get_by_label("Grant the new date").check()
    staff.get_by_role("button", name="Send your answer").click()
    checker.check()
    assert AccountRequest.objects.get().deadline == later
    assert Extension.objects.get().decision == "granted"
    with staff.expect_download() as download:
        staff.get_by_role("link", name="chronology corrected.pdf").click()
    assert download.value.suggested_filename.endswith("-v2.pdf")
    assert AuditEntry.objects.filter(action="account.file_read", actor=business_manager).count() == 1
    assert AccountVersion.objects.count() == 2
    checker.assert_clean()
    context.close()
