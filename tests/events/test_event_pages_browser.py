"""A business manager schedules an event and builds its invitee list in a real browser; axe checks every page."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event, Invitation
from tests.browser.conftest import (  # noqa: F401 (the browser fixtures, for this folder too)
    AccessibilityChecker,
    browser_context_args,
    browser_type_launch_args,
)
from tests.events.conftest import invite, make_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def a11y(page):
    checker = AccessibilityChecker(page)
    yield checker
    checker.assert_clean()


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_scheduling_an_event_and_inviting_people(
    page, a11y, live_server, partnership, business_manager, review, themes, sam, lee
):
    sign_in(page, live_server, business_manager)
    day = timezone.localdate() + timedelta(days=40)

    page.goto(f"/p/{partnership.slug}/reviews/{review.pk}/events/new/")
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a practitioner event")

    # A first try with mistakes: the error summary and the messages at the fields.
    page.get_by_label("Title", exact=True).fill("Learning event about Hart-Smith")
    page.get_by_role("button", name="Create the event").click()
    a11y.check()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must not contain the real name")

    page.get_by_label("Title", exact=True).fill("Practitioner learning event for Child A")
    page.get_by_label("Day").first.fill(str(day.day))
    page.get_by_label("Month").first.fill(str(day.month))
    page.get_by_label("Year").first.fill(str(day.year))
    page.get_by_label("Start time").fill("10am")
    page.get_by_label("End time").fill("1pm")
    page.get_by_label("In person", exact=True).check()
    page.get_by_label("Name of the venue").fill("Northvale Civic Centre")
    page.get_by_label("Address of the venue").fill("1 High Street")
    page.get_by_label("Access information").fill("Step-free entrance.")
    page.get_by_label("Number of places").fill("30")
    page.get_by_label("Day").nth(1).fill(str(day.day))
    page.get_by_label("Month").nth(1).fill(str(day.month))
    page.get_by_label("Year").nth(1).fill(str(day.year))
    page.get_by_label("Information sharing").check()
    page.get_by_role("button", name="Create the event").click()

    event = Event.objects.get()
    expect(page).to_have_url(re.compile(rf"/events/{event.pk}/$"))
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practitioner learning event for Child A")

    page.get_by_role("link", name="Add people from the directory").click()
    a11y.check()
    page.get_by_role("button", name="Add the people you chose").click()
    a11y.check()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose at least one person in the directory to invite"
    )
    page.get_by_label("Invite Sam Green").check()
    page.get_by_label("Invite Lee Patel").check()
    page.get_by_role("button", name="Add the people you chose").click()
    a11y.check()
    expect(page.locator("table").last).to_contain_text("Sam Green")

    page.get_by_role("link", name="Add a new person").click()
    a11y.check()
    page.get_by_role("button", name="Add to the invitee list").click()
    a11y.check()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter their full name")

    page.goto(f"/p/{partnership.slug}/events/{event.pk}/")
    a11y.check()
    page.get_by_role("button", name="Remove Sam Green from the list").click()
    a11y.check()
    assert not event.invitations.filter(practitioner=sam).exists()

    page.get_by_role("link", name="Change date and time").click()
    a11y.check()
    page.get_by_label("End time").fill("9am")
    page.get_by_role("button", name="Save the changes").click()
    a11y.check()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The end time must be after the start time")

    page.goto(f"/p/{partnership.slug}/events/{event.pk}/cancel/")
    a11y.check()
    page.get_by_role("button", name="Cancel the event").click()
    a11y.check()
    page.get_by_label("Why is the event being cancelled?").fill("The reviewer is ill.")
    page.get_by_role("button", name="Cancel the event").click()
    a11y.check()
    expect(page.locator("main")).to_contain_text("The reviewer is ill.")


def test_the_reviewers_read_only_page(page, a11y, live_server, partnership, reviewer, review, sam, lee):
    event = make_event(
        review,
        starts_at=timezone.now() + timedelta(days=30),
        ends_at=timezone.now() + timedelta(days=30, hours=3),
        rsvp_deadline=timezone.localdate() + timedelta(days=20),
        format=Event.Format.HYBRID,
        joining_link="https://meet.example/abc",
    )
    invite(event, sam, Invitation.Status.ACCEPTED)
    invite(event, lee, Invitation.Status.INVITED)
    sign_in(page, live_server, reviewer)
    page.goto(f"/p/{partnership.slug}/events/{event.pk}/")
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(event.title)
    # The reviewer changes only what the event is (agenda, facilitator, themes), on its own page.
    changes = page.get_by_role("link", name=re.compile("^Change"))
    expect(changes).to_have_count(3)
    outline = f"/p/{partnership.slug}/events/{event.pk}/about/"
    assert {link.get_attribute("href").split("#")[0] for link in changes.all()} == {outline}
    changes.first.click()
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("What the event is")
