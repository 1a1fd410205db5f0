"""The confidential summary from writing to reading, then the attendance register on the day.

The reviewer writes a version, the business manager releases it, the practitioner (no account, in
a browser of their own) accepts the terms, reads it and downloads their stamped copy, and the
business manager sees it read and marks the practitioner as attended. axe-core checks every page.
"""

import io
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from events.models import Event, Invitation, SummaryReader
from tests.browser.conftest import AccessibilityChecker, invited_event
from tests.browser.journey import follow, link, open_page, sign_in, signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Lee Porter"
SUMMARY = """## What is known

Child B lived with their mother and two siblings, and was known to the school nurse.

- a bullet
"""


@pytest.fixture
def event(review, reviewer):
    event = invited_event(review, reviewer, days_ahead=3, reply_within_days=1, format=Event.Format.IN_PERSON)
    Invitation.objects.filter(event=event).update(status=Invitation.Status.ACCEPTED)
    return event


def check_wording(wording, locator, where, *, present=(), absent=()):
    """Note wrong wording instead of stopping, so the rest of the journey still runs; asserted at the end."""
    text = " ".join(locator.inner_text().split())
    wording += [f"{where}: expected {part!r} in {text!r}" for part in present if part not in text]
    wording += [f"{where}: did not expect {part!r} in {text!r}" for part in absent if part in text]


def test_summary_is_written_released_read_and_attendance_recorded(
    page, a11y, browser, live_server, event, reviewer, business_manager
):
    event_path = f"/p/{event.review.partnership.slug}/events/{event.pk}/"
    mail.outbox.clear()
    wording = []

    # 1. The reviewer writes the first version.
    staff, staff_a11y = page, a11y
    sign_in(page.context, live_server, reviewer)
    open_page(staff, staff_a11y, event_path, event.title)
    follow(
        staff,
        staff_a11y,
        link(staff, "Write, upload or see the versions of the confidential summary"),
        "Confidential summary",
    )
    expect(staff.get_by_text("There is no summary yet.")).to_be_visible()
    follow(staff, staff_a11y, link(staff, "Write the summary"), "Write the summary")
    staff.get_by_label("Summary", exact=True).fill(SUMMARY)
    follow(
        staff,
        staff_a11y,
        staff.get_by_role("button", name="Save as a new version"),
        "Confidential summary, version 1",
    )
    expect(staff.locator(".govuk-notification-banner--success")).to_contain_text("Version 1 of the summary is saved.")
    body = staff.locator(".convene-summary")
    # The reviewer's copy is numbered, so that the names check can point at a paragraph.
    expect(body.get_by_role("heading", name="Paragraph 1 What is known", exact=True)).to_be_visible()
    expect(body.get_by_role("listitem")).to_have_text("Paragraph 3 a bullet")

    follow(staff, staff_a11y, staff.get_by_role("link", name="Back to all versions"), "Confidential summary")
    versions = staff.get_by_role("table", name="Versions, newest first")
    expect(versions.get_by_role("row")).to_have_count(2)
    expect(versions).to_contain_text("Tom Ellis")
    follow(staff, staff_a11y, versions.get_by_role("link", name="Version 1"), "Confidential summary, version 1")
    expect(staff.locator(".convene-summary")).to_contain_text("known to the school nurse")

    # 2. The business manager releases it from today.
    manager_context = signed_in_context(browser, live_server, business_manager)
    try:
        manager = manager_context.new_page()
        manager_a11y = AccessibilityChecker(manager)
        open_page(manager, manager_a11y, event_path, event.title)
        follow(
            manager, manager_a11y, link(manager, "Release it to those attending"), "Release the confidential summary"
        )
        version = manager.get_by_role("group", name="Which version?")
        expect(version.get_by_role("radio")).to_have_count(1)
        expect(version.get_by_role("radio").first).to_be_checked()
        # The product's name keeps its capital: the label lower-cases the whole "Written in Convene".
        check_wording(
            wording, version, "release page, version choice", present=["Version 1, written in Convene, added"]
        )
        today = timezone.localdate()
        when = manager.get_by_role("group", name="Date it becomes available")
        when.get_by_label("Day", exact=True).fill(str(today.day))
        when.get_by_label("Month", exact=True).fill(str(today.month))
        when.get_by_label("Year", exact=True).fill(str(today.year))
        follow(
            manager,
            manager_a11y,
            manager.get_by_role("button", name="Release the summary"),
            "Who has read the summary",
        )
        check_wording(
            wording,
            manager.locator(".govuk-notification-banner--success"),
            "release success message",
            present=["The summary is released. 1 person now has access and has been emailed a link."],
        )
        check_wording(
            wording,
            manager.get_by_role("main").get_by_text("Version 1, readable from"),
            "readers page, release dates",
            absent=[".."],
        )
        expect(manager.locator("#read-count")).to_have_text("0 of 1 have read it.")
        readers = manager.get_by_role("table", name="Readers")
        expect(readers.get_by_role("row", name=re.compile(NAME))).to_contain_text("Not read")

        follow(manager, manager_a11y, manager.get_by_role("link", name="Back to the event"), event.title)
        follow(manager, manager_a11y, link(manager, "Who has read it"), "Who has read the summary")

        # 3. The practitioner, with no account, opens the link in the email in a browser of their own.
        released = mail.outbox[-1]
        assert released.to == ["lee.porter@police.example"]
        assert "confidential summary" in released.body
        link_path = re.search(r"https?://[^/\s]+(/invitation/[^/\s]+/)", released.body)[1]
        practitioner_context = browser.new_context(base_url=live_server.url)
        try:
            reader = practitioner_context.new_page()
            reader_a11y = AccessibilityChecker(reader)
            open_page(reader, reader_a11y, link_path, "You are invited to a practitioner event")
            with reader.expect_navigation():
                reader.get_by_role("button", name="Open your invitation").click()
            expect(reader).to_have_url(re.compile(r"/invitation/$"))
            reader_a11y.check()
            follow(
                reader,
                reader_a11y,
                link(reader, "Read the confidential summary"),
                "Before you read the confidential summary",
            )
            reader.get_by_label("I accept these terms", exact=True).check()
            follow(
                reader,
                reader_a11y,
                reader.get_by_role("button", name="Accept and read the summary"),
                "Confidential summary",
            )
            main = reader.get_by_role("main")
            expect(main.get_by_role("heading", name="What is known", exact=True)).to_be_visible()
            expect(main.get_by_text("It is not used in the final report.")).to_be_visible()
            banner = reader.get_by_role("region", name="Confidential")
            expect(banner).to_be_visible()
            expect(banner).to_contain_text(f"Confidential — do not share — {NAME}")

            with reader.expect_download() as download_info:
                link(reader, "Download your copy (PDF)").click()
            download = download_info.value
            assert download.suggested_filename.endswith(".pdf")
            with open(download.path(), "rb") as downloaded:
                pdf = PdfReader(io.BytesIO(downloaded.read()))
            assert len(pdf.pages) >= 1
            for number, pdf_page in enumerate(pdf.pages, start=1):
                text = " ".join(pdf_page.extract_text().split())
                assert NAME in text, f"page {number} of the PDF does not name {NAME}"
            reader_a11y.assert_clean()
        finally:
            practitioner_context.close()

        stored = SummaryReader.objects.get()
        assert stored.read_count == 1 and stored.download_count == 1 and stored.terms_accepted_at

        # 4. Back as the business manager: the practitioner has read it; then the register.
        manager.reload()
        manager_a11y.check()
        expect(manager.get_by_role("heading", level=1)).to_have_text("Who has read the summary")
        expect(manager.locator("#read-count")).to_have_text("1 of 1 have read it.")
        row = manager.get_by_role("table", name="Readers").get_by_role("row", name=re.compile(NAME))
        expect(row).not_to_contain_text("Not read")
        expect(row).not_to_contain_text("Not yet")

        follow(manager, manager_a11y, manager.get_by_role("link", name="Back to the event"), event.title)
        follow(manager, manager_a11y, link(manager, "Attendance register"), "Attendance register")
        expect(manager.locator("#attended-count")).to_have_text("0 attended.")
        person = manager.get_by_role("group", name=re.compile(NAME))
        person.get_by_label("Attended", exact=True).check()
        follow(manager, manager_a11y, manager.get_by_role("button", name="Save attendance"), "Attendance register")
        expect(manager.locator(".govuk-notification-banner--success")).to_contain_text("Attendance is saved.")
        expect(manager.locator("#attended-count")).to_have_text("1 attended.")
        expect(manager.get_by_role("group", name=re.compile(NAME)).get_by_label("Attended", exact=True)).to_be_checked()
        assert Invitation.objects.get().attendance == "attended"
        assert not wording, "wrong wording:\n" + "\n".join(wording)
        manager_a11y.assert_clean()
    finally:
        manager_context.close()
