"""The reviewer's private notes and the business manager's audit log, in a browser with axe on every page."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.models import AuditEntry
from events.models import ReviewerNote
from reviews.models import Review
from tests.browser.journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_keeps_a_private_note(page, a11y, live_server, review, reviewer):
    sign_in(page.context, live_server, reviewer)
    page.goto(f"/p/{review.partnership.slug}/reviews/{review.pk}/")
    a11y.check()
    page.get_by_role("link", name="Your notes for this review").click()
    a11y.check()
    page.get_by_text("Add a note", exact=True).click()
    expect(page).to_have_url(re.compile(r"/notes/new/$"))
    a11y.check()
    page.locator("#id_title").fill("After the scoping meeting")
    page.locator("#id_body").fill("The school's chronology starts late.")
    page.get_by_role("button", name=re.compile("Save", re.I)).click()
    a11y.check()
    expect(page.get_by_text("After the scoping meeting").first).to_be_visible()
    note = ReviewerNote.objects.get()
    assert note.body == "The school's chronology starts late."
    assert AuditEntry.objects.filter(action="note.created").exists()


def test_business_manager_reads_and_filters_the_audit_log(page, a11y, live_server, review, business_manager):
    sign_in(page.context, live_server, business_manager)
    page.goto(f"/p/{review.partnership.slug}/")
    a11y.check()
    page.get_by_role("link", name="Audit log").click()
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Audit log")
    page.get_by_role("button", name=re.compile("Filter|Show|Apply", re.I)).first.click()
    a11y.check()


def test_business_manager_filters_the_log_by_review_and_downloads_it(
    page, a11y, live_server, review, business_manager, partnership
):
    other = Review.objects.create(
        partnership=partnership,
        review_type=Review.Type.SAR,
        reference="SAR 2026-02",
        pseudonym="Adult C",
        scope_start="2024-01-01",
        scope_end="2025-01-01",
    )
    AuditEntry.objects.create(
        partnership=partnership,
        action="review.updated",
        actor=business_manager,
        object_type="reviews.Review",
        object_id=str(other.pk),
    )
    sign_in(page.context, live_server, business_manager)
    page.goto(f"/p/{partnership.slug}/audit/")
    a11y.check()
    expect(page.get_by_role("cell", name="SAR 2026-02", exact=True)).to_be_visible()

    page.get_by_label("Review").select_option(label="CSPR 2026-01: Child B")
    page.get_by_role("button", name="Show entries").click()
    a11y.check()
    expect(page.get_by_role("cell", name="CSPR 2026-01", exact=True).first).to_be_visible()
    expect(page.get_by_role("cell", name="SAR 2026-02", exact=True)).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "CSPR 2026-01" in text and "SAR 2026-02" not in text
    assert AuditEntry.objects.filter(action="audit.exported", actor=business_manager).exists()
