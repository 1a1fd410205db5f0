"""Real-browser journeys: Playwright driving Debian's Chromium, with axe-core on every page.

Without a Chromium to launch, every browser test in the suite is skipped and the summary says so in
one line (the hooks are in tests/conftest.py, so that they reach the browser tests in other folders).
"""

import functools
import hashlib
import os
import shutil

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


# Always in the fixture closure of pytest-playwright's page, context and browser, never in that of a
# test's own fixture that happens to be called "page".
PLAYWRIGHT_BROWSER_FIXTURE = "launch_browser"


def _candidates():
    """CHROMIUM_PATH alone if it is set; else Debian's, any other on PATH, then Playwright's own download."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        yield configured
        return
    yield "/usr/bin/chromium"
    yield shutil.which("chromium")
    yield _playwright_chromium()


def _playwright_chromium():
    """Where `playwright install chromium` puts its Chromium (it may not be there)."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            return playwright.chromium.executable_path
    except Exception:
        return None


@functools.cache
def chromium_path():
    """The Chromium the browser tests launch, or None when there is none."""
    return next((path for path in _candidates() if path and os.access(path, os.X_OK)), None)


def _no_chromium():
    configured = os.environ.get("CHROMIUM_PATH")
    missing = f"no Chromium at CHROMIUM_PATH={configured}" if configured else "no Chromium found"
    return f"{missing} (set CHROMIUM_PATH or install Debian's chromium)"


_skipped = []


def is_browser_test(item):
    return bool(item.get_closest_marker("browser")) or PLAYWRIGHT_BROWSER_FIXTURE in getattr(item, "fixturenames", ())


def skip_without_chromium(items):
    """Mark the browser tests among `items` to be skipped when there is no Chromium to launch."""
    browser_tests = [item for item in items if is_browser_test(item)]
    if not browser_tests or chromium_path() is not None:
        return
    skip = pytest.mark.skip(reason=f"Browser test: {_no_chromium()}")
    for item in browser_tests:
        item.add_marker(skip)
    _skipped[:] = browser_tests


def skipped_here():
    """How many browser tests this process skipped."""
    return len(_skipped)


def report_skipped(terminalreporter, count):
    """One line in the summary when browser tests were skipped (`count` of them, in every process)."""
    if count:
        tests = "test" if count == 1 else "tests"
        terminalreporter.write_line(f"Browser tests: skipped {count} {tests}, {_no_chromium()}", yellow=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_FLAGS],
    }


@pytest.fixture
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, "base_url": live_server.url}


# axe-core's script, sent to each page once by the browser context as the page loads (`add_init_script`):
# evaluating it on a loaded page before each check costs a third of what the check takes.
AXE_SCRIPT = Axe().axe_script
# Runs axe-core on the page as it is; only the violations come back (the full results list every rule that
# passed with every node it looked at, which costs more to bring back than the rules to run).
RUN_AXE = """options => {
  if (typeof axe === "undefined") return null;
  return axe.run(document, options).then(results => results.violations);
}"""
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
# What a page looks like to axe-core: its markup and the window's size, without what changes at every
# request (the CSP nonce, the CSRF token). A page checked once in a process is not checked again.
SHAPE = """() => [document.documentElement.outerHTML, window.innerWidth, window.innerHeight]"""
_checked_shapes = set()


def uses_axe(context):
    """Have the browser context give axe-core to every page it loads (once per context)."""
    if not getattr(context, "convene_axe", False):
        context.add_init_script(AXE_SCRIPT)
        context.convene_axe = True


def seen_before(page):
    """Whether a page with the same markup, at the same window size, was checked earlier in this process.

    axe-core's verdict depends only on these (the CSS and scripts are the product's own, the same for the
    whole run), so checking the same page twice, as journeys that start at the same sign-in page do, finds
    nothing new.
    """
    from tests.html_validity import VOLATILE  # here: imported first by pytest, as a plugin

    markup, width, height = page.evaluate(SHAPE)
    markup = markup.encode()
    for pattern, replacement in VOLATILE:  # as the HTML check leaves them out
        markup = pattern.sub(replacement, markup)
    shape = (hashlib.sha1(markup, usedforsecurity=False).hexdigest(), width, height)
    if shape in _checked_shapes:
        return True
    _checked_shapes.add(shape)
    return False


def described(violation):
    """An axe-core violation in one line: the rule, its impact, what it asks for and the elements that break it."""
    targets = [node["target"] for node in violation["nodes"]]
    return f"{violation['id']} ({violation['impact']}) {violation['help']} {targets}"


def axe_violations(page):
    """axe-core's WCAG A and AA violations on the page as it is now."""
    violations = page.evaluate(RUN_AXE, AXE_OPTIONS)
    if violations is None:  # the page was open before its context was given axe-core
        page.evaluate(AXE_SCRIPT)
        violations = page.evaluate(RUN_AXE, AXE_OPTIONS)
    return violations


class AccessibilityChecker:
    """Runs axe-core on each page the browser loads; the test fails on any WCAG A/AA violation."""

    def __init__(self, page):
        self.page = page
        self.loaded = []
        self.checked = []
        self.violations = []
        uses_axe(page.context)
        page.on("load", lambda loaded: self.loaded.append(loaded.url))

    def check(self):
        """Check the page as it is now (call after every navigation, and after a state change)."""
        self.page.wait_for_load_state("load")
        url = self.page.url
        self.checked.append(url)
        if seen_before(self.page):
            return
        self.violations += [f"{url}: {described(violation)}" for violation in axe_violations(self.page)]

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
