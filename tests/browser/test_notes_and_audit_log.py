"""The reviewer's private notes and the business manager's audit log, in a browser with axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from core.models import AuditEntry
from events.models import ReviewerNote
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
