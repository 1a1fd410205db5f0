"""Real-browser journeys: Playwright driving Debian's Chromium, with axe-core on every page."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_FLAGS],
    }


@pytest.fixture
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, "base_url": live_server.url}


class AccessibilityChecker:
    """Runs axe-core on each page the browser loads; the test fails on any WCAG A/AA violation."""

    def __init__(self, page):
        self.page = page
        self.axe = Axe()
        self.loaded = []
        self.checked = []
        self.violations = []
        page.on("load", lambda loaded: self.loaded.append(loaded.url))

    def check(self):
        """Check the page as it is now (call after every navigation, and after a state change)."""
        self.page.wait_for_load_state("load")
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        results = self.axe.run(self.page, options=options)
        url = self.page.url
        self.checked.append(url)
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]]
            self.violations.append(f"{url}: {violation['id']} ({violation['impact']}) {violation['help']} {targets}")

    def assert_clean(self):
        unchecked = [url for url in self.loaded if url not in self.checked]
        assert not unchecked, f"pages loaded without an accessibility check: {unchecked}"
        assert not self.violations, "axe-core found:\n" + "\n".join(self.violations)


@pytest.fixture
def a11y(page):
    checker = AccessibilityChecker(page)
    yield checker
    checker.assert_clean()


def invited_event(review, reviewer, *, days_ahead, reply_within_days, **details):
    """An event `days_ahead` days from now with Lee Porter of Northvale Police invited (the email sent)."""
    from datetime import timedelta

    from django.utils import timezone

    from events import invitations
    from events.models import Event, Invitation
    from practitioners.models import Agency, Practitioner

    partnership = review.partnership
    agency = Agency.objects.create(partnership=partnership, name="Northvale Police")
    person = Practitioner.objects.create(
        partnership=partnership,
        full_name="Lee Porter",
        job_title="Police constable",
        agency=agency,
        email="lee.porter@police.example",
    )
    start = (timezone.localtime() + timedelta(days=days_ahead)).replace(hour=10, minute=0, second=0, microsecond=0)
    event = Event.objects.create(
        review=review,
        title="Practitioner learning event",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        venue_name="Northvale Civic Centre",
        venue_address="1 High Street",
        access_information="Step-free entrance.",
        chair=reviewer,
        capacity=10,
        rsvp_deadline=timezone.localdate() + timedelta(days=reply_within_days),
        **details,
    )
    Invitation.objects.create(event=event, practitioner=person)
    invitations.send_invitations(event, sent_by=None)
    return event
