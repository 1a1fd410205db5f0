"""An agency's action owner follows the link in their email, reports progress with evidence, and the
business manager sees it on the action plan. axe-core checks every page on both sides."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from weasyprint import HTML

from actions import services
from actions.models import ActionUpdate, AgencyLink
from practitioners.models import Agency
from tests.actions.conftest import action_data
from tests.browser.conftest import AccessibilityChecker
from tests.browser.journey import signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLICE_ACTION = "Run a briefing on neglect for every frontline team."
HEALTH_ACTION = "Audit health visitors' records of missed appointments."


@pytest.fixture
def link_email(review, business_manager):
    police = Agency.objects.create(partnership=review.partnership, name="Northvale Police")
    health = Agency.objects.create(partnership=review.partnership, name="Northvale Health Trust")
    review.status = "signed_off"
    review.save(update_fields=["status"])
    recommendation = services.add_recommendation(
        review, text="Agencies should share concerns about neglect early.", by=business_manager
    )
    services.add_action(recommendation, data=action_data(police, description=POLICE_ACTION), by=business_manager)
    services.add_action(recommendation, data=action_data(health, description=HEALTH_ACTION), by=business_manager)
    services.send_agency_link(review, police, name="Jo Kent", email="jo.kent@police.example", by=business_manager)
    (message,) = mail.outbox
    return message


@pytest.fixture
def evidence_pdf(tmp_path):
    path = tmp_path / "briefing-attendance.pdf"
    path.write_bytes(HTML(string="<html lang='en'><body><p>Attendance at the briefings</p></body></html>").write_pdf())
    return path


def test_action_owner_reports_progress_and_the_business_manager_sees_it(
    page, a11y, browser, live_server, link_email, evidence_pdf, review, business_manager
):
    assert link_email.to == ["jo.kent@police.example"]
    path = re.search(r"https?://[^/\s]+(/actions/[^/\s]+/)", link_email.body).group(1)
    page.goto(path)
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your agency's actions for review CSPR 2026-01")
    assert AgencyLink.objects.get().last_used_at is None  # opening the link changed nothing

    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/actions/agency/$"))
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northvale Police's actions")
    expect(page.get_by_text(POLICE_ACTION)).to_be_visible()
    expect(page.get_by_text(HEALTH_ACTION)).to_have_count(0)

    page.get_by_role("link", name=POLICE_ACTION).click()
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Update the action for recommendation 1")

    # Saving nothing is a clear error.
    page.get_by_role("button", name="Save the update").click()
    a11y.check()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what has happened")

    page.get_by_label("What has happened").fill("Four of six teams briefed; the rest in March.")
    page.get_by_role("group", name="Status").get_by_label("In progress").check()
    page.get_by_role("group", name="RAG rating").get_by_label("Green").check()
    page.get_by_label("Evidence (optional)").set_input_files(evidence_pdf)
    page.get_by_role("button", name="Save the update").click()
    expect(page).to_have_url(re.compile(r"/actions/agency/$"))
    a11y.check()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your update is saved")
    update = ActionUpdate.objects.get()
    assert update.author_name == "Jo Kent" and update.evidence_filename == "briefing-attendance.pdf"

    page.get_by_role("button", name="Close your agency's actions on this device").click()
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have closed your agency's actions on this device")

    # The business manager, in a browser of their own.
    context = signed_in_context(browser, live_server, business_manager)
    staff = context.new_page()
    checker = AccessibilityChecker(staff)
    staff.goto(f"/p/{review.partnership.slug}/reviews/{review.pk}/")
    checker.check()
    staff.get_by_role("link", name=re.compile("Action plan")).click()
    checker.check()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Action plan")
    row = staff.get_by_role("row").filter(has_text=POLICE_ACTION)
    expect(row).to_contain_text("In progress")
    expect(row).to_contain_text("Green")
    staff.get_by_role("link", name=POLICE_ACTION).click()
    checker.check()
    expect(staff.get_by_text("Four of six teams briefed; the rest in March.")).to_be_visible()
    expect(staff.get_by_text("by Jo Kent")).to_be_visible()
    with staff.expect_download() as download:
        staff.get_by_role("link", name="briefing-attendance.pdf").click()
    assert download.value.suggested_filename == "briefing-attendance.pdf"
    checker.assert_clean()
    context.close()
