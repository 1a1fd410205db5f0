"""The business manager records a review's timeline in a browser, with axe on every page: the start of the
review and its clocks, a mistake shown beside its field, and the final report's sending, which publication
waits for."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.models import AuditEntry
from reports import signoff
from reports.models import Publication
from reviews.models import Review
from tests.browser.journey import follow, open_page, sign_in
from tests.reports.test_responses import make_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_the_business_manager_records_the_timeline_and_then_publishes(
    page, a11y, live_server, review, business_manager
):
    today = timezone.localdate()
    signoff.sign_off(
        review,
        version=make_version(review),
        body="Safeguarding Partnership Executive",
        signed_off_on=today - timedelta(days=30),
        minute_reference="SPE 2026/50",
        recorded_by=business_manager,
        no_check_reason="Nobody who knew the child could be reached.",
    )
    slug = review.partnership.slug
    sign_in(page.context, live_server, business_manager)

    # The publication page says why the report cannot be published yet, and offers no button.
    open_page(page, a11y, f"/p/{slug}/reviews/{review.pk}/report/publication/", "Publish the report")
    expect(page.locator("#publication-blockers")).to_contain_text("Record the date the final report was sent")
    expect(page.get_by_role("button", name="Publish the report")).to_have_count(0)
    expect(page.get_by_role("link", name="Record dates on the review's timeline")).to_be_visible()
    assert not Publication.objects.exists()

    # From the review's page to its timeline: nothing recorded yet.
    open_page(page, a11y, f"/p/{slug}/reviews/{review.pk}/", re.compile(review.reference))
    follow(page, a11y, page.get_by_role("link", name=re.compile("The review's timeline")), "Timeline of the review")
    expect(page.get_by_role("main")).to_contain_text("No deadlines yet")
    follow(page, a11y, page.get_by_role("link", name="Record the timeline"), "Record the timeline")

    # A mistake: no local review, without saying why. The page says so beside the field and keeps the rest.
    fill_date(page, "Local authority became aware of the serious incident", today - timedelta(days=40))
    fill_date(page, "National panel notified of the serious incident", today - timedelta(days=38))
    fill_date(page, "Rapid review sent to the national panel", today - timedelta(days=20))
    page.get_by_label("No local review", exact=True).check()
    follow(page, a11y, page.get_by_role("button", name="Save the timeline"), "Record the timeline")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why there is no local review")
    expect(page.get_by_label("No local review", exact=True)).to_be_checked()
    assert not AuditEntry.objects.filter(action="review.timeline_recorded").exists()

    # Put right, with the event's recommendation and the final report sent three weeks ago.
    page.get_by_label(re.compile("Why there is no local review")).fill("The national panel is reviewing it.")
    page.get_by_label("The independent reviewer", exact=True).check()
    fill_date(page, "Date it was recommended", today - timedelta(days=15))
    fill_date(page, "Final report sent to the national panel", today - timedelta(days=21))
    follow(page, a11y, page.get_by_role("button", name="Save the timeline"), "Timeline of the review")
    main = page.get_by_role("main")
    expect(main).to_contain_text("National panel notified")
    expect(main).to_contain_text("Recorded")
    expect(main).to_contain_text("The national panel is reviewing it.")
    review.refresh_from_db()
    assert review.rapid_review_outcome == Review.RapidReviewOutcome.NO_LOCAL_REVIEW
    assert review.final_report_sent_on == today - timedelta(days=21)

    # Now it can be published.
    open_page(page, a11y, f"/p/{slug}/reviews/{review.pk}/report/publication/", "Publish the report")
    follow(page, a11y, page.get_by_role("button", name="Publish the report"), "Publish the report")
    assert Publication.objects.get(review=review).state == Publication.State.PUBLISHED
