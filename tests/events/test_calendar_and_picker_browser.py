"""In a real browser: the month of events as a grid or, on a phone, a list; the picker without JavaScript."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.browser.conftest import (  # noqa: F401 (the browser fixtures, for this folder too)
    AccessibilityChecker,
    browser_context_args,
    browser_type_launch_args,
)
from tests.events.conftest import make_event, make_practitioners

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_context(browser, live_server, user, **options):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(base_url=live_server.url, **options)
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


@pytest.mark.parametrize(("width", "shown", "hidden"), [(1280, "table", "list"), (375, "list", "table")])
def test_the_month_is_a_grid_on_a_wide_screen_and_a_list_on_a_phone(
    browser, live_server, business_manager, review, width, shown, hidden
):
    event = make_event(review, title="Practitioner learning event")
    context = signed_in_context(browser, live_server, business_manager, viewport={"width": width, "height": 800})
    page = context.new_page()
    checker = AccessibilityChecker(page)
    try:
        page.goto(f"/p/{review.partnership.slug}/calendar/?month=2026-12")
        checker.check()
        main = page.get_by_role("main")
        expect(page.get_by_role("heading", level=1)).to_have_text("Events in December 2026")
        parts = {"table": main.locator(".convene-calendar-grid"), "list": main.locator(".convene-calendar-list")}
        expect(parts[shown]).to_be_visible()
        expect(parts[hidden]).to_be_hidden()
        link = parts[shown].get_by_role("link", name="Practitioner learning event")
        link.click()
        expect(page).to_have_url(f"{live_server.url}/p/{review.partnership.slug}/events/{event.pk}/")
        checker.check()
        page.go_back()
        main.get_by_role("link", name="Next month").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Events in January 2027")
        checker.check()
        checker.assert_clean()
    finally:
        context.close()


def test_the_picker_keeps_ticks_across_searches_and_pages_without_javascript(
    browser, live_server, business_manager, event, partnership, agency, health, sam, lee
):
    make_practitioners(partnership, agency, 110)
    context = signed_in_context(browser, live_server, business_manager, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"/p/{partnership.slug}/events/{event.pk}/invitees/add/")
        main = page.get_by_role("main")
        page.get_by_label("Invite Person 0000").check()
        # The next page: Person 0000 stays chosen.
        main.get_by_role("button", name="Next page").click()
        expect(main).to_contain_text("You have chosen 1 person")
        page.get_by_label("Invite Sam Green").check()
        # A search for the health visitor: both stay chosen.
        page.get_by_label("Search by name, job title, email or agency").fill("visitor")
        main.get_by_role("button", name="Search", exact=True).click()
        expect(main).to_contain_text("You have chosen 2 people")
        main.get_by_role("button", name="Select all shown").click()
        expect(main).to_contain_text("You have chosen 3 people")
        expect(page.get_by_label("Invite Lee Patel")).to_be_checked()
        main.get_by_role("button", name="Add the people you chose").click()
        expect(main).to_contain_text("3 people added to the invitee list.")
        added = set(event.invitations.values_list("practitioner__full_name", flat=True))
        assert added == {"Person 0000", "Sam Green", "Lee Patel"}
    finally:
        context.close()
