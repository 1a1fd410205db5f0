"""A practitioner replies to their invitation, and changes their reply, with the keyboard alone.

No clicks: Tab, Shift+Tab, Enter and Space, and the arrow keys inside a group of radios (the only way
a keyboard moves between them). On every page: the skip link comes first and takes focus to the
main content, focus moves through the page in reading order, and wherever focus lands it shows.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.models import Event, Invitation
from tests.browser.conftest import invited_event
from tests.browser.keyboard import focused, skip_to_main, tab, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The invitation page's own controls, in reading order, from the top of the main content. The
# questions that go with an answer show once it is chosen: those for "Yes", then those for "No".
REPLY_FORM = [
    "Download the factsheet (PDF)",
    "Add the event to your calendar (ICS file)",
    "Yes, I will attend",
]
IF_ATTENDING = [
    "Do you have any access needs? (optional)",
    "Yes",  # will your line manager come with you?
    "No",  # should your line manager or agency be told? (no is chosen until changed)
]
IF_NOT_ATTENDING = [
    "Why can you not attend? (optional)",
    "Colleague who knew the family better (optional)",
    "Their work email address (optional)",
]


@pytest.fixture
def invitation_link(review, reviewer):
    invited_event(review, reviewer, days_ahead=14, reply_within_days=7, format=Event.Format.IN_PERSON)
    (message,) = mail.outbox
    return re.search(r"https?://[^/\s]+(/invitation/[^/\s]+/)", message.body).group(1)


def test_a_practitioner_replies_and_changes_their_reply_by_keyboard(page, a11y, live_server, invitation_link):
    page.goto(invitation_link)
    a11y.check()
    # Without the skip link: the header's links come first, then the page's own button.
    stops = [tab(page)]
    while stops[-1]["name"] != "Open your invitation" and len(stops) < 10:
        stops.append(tab(page))
    assert stops[0]["name"] == "Skip to main content" and stops[-1]["tag"] == "button", stops
    assert not any(stop["inMain"] for stop in stops[:-1]) and stops[-1]["inMain"], stops
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/invitation/$"))
    a11y.check()

    # The skip link, then every control of the main content in reading order (no answer chosen yet,
    # so no questions that go with one); sending nothing is an error.
    skip_to_main(page)
    assert [tab(page)["name"] for _ in REPLY_FORM] == REPLY_FORM
    assert tab(page)["name"] == "Send your reply"
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    a11y.check()

    # The error summary's link takes focus to the question; Shift+Tab goes back the way it came.
    state = tab(page)
    assert state["name"] == "Select yes if you will attend, or no if you cannot.", state
    page.keyboard.press("Enter")
    assert focused(page)["name"] == "Yes, I will attend"
    assert tab(page, back=True)["name"] == "Add the event to your calendar (ICS file)"
    assert tab(page)["name"] == "Yes, I will attend"

    # Space chooses a radio and shows its questions; typing fills the box that has focus; Enter on the button sends.
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    assert tab(page)["name"] == IF_ATTENDING[0]
    page.keyboard.type("A hearing loop, please")
    assert tab(page)["name"] == "Yes"
    page.keyboard.press("Space")
    # Past the agency question to the button: the "cannot attend" boxes are hidden.
    assert tab(page)["name"] == "No"
    assert tab(page)["name"] == "Send your reply"
    page.keyboard.press("Enter")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("You are down as attending")
    expect(banner).to_be_focused()
    a11y.check()
    invitation = Invitation.objects.get()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.access_needs == "A hearing loop, please" and invitation.line_manager_attending is True

    # Change the reply. Tab stops once in a group of radios, on the chosen one; the arrow keys move
    # the choice within the group.
    assert [tab(page)["name"] for _ in range(3)] == REPLY_FORM[:3]
    assert focused(page)["checked"]
    page.keyboard.press("ArrowDown")
    state = focused(page)
    assert state["name"] == "No, I cannot attend" and state["checked"], state
    # Its questions show and those for "Yes" hide.
    assert tab(page)["name"] == IF_NOT_ATTENDING[0]
    page.keyboard.type("I am on leave that week")
    assert [tab(page)["name"] for _ in IF_NOT_ATTENDING[1:]] == IF_NOT_ATTENDING[1:]
    assert tab(page)["name"] == "Change your reply"
    page.keyboard.press("Enter")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Thank you for letting us know")
    expect(banner).to_be_focused()
    a11y.check()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert invitation.decline_reason == "I am on leave that week"


@pytest.fixture
def draft_link(review, business_manager):
    """A checked draft sent to one practitioner for its factual-accuracy check; the path of their link."""
    from django.utils import timezone

    from reports import circulation
    from reports.models import ReportVersion

    body = "".join(
        f'<p id="paragraph-{n}"><span class="convene-number">{n}</span> {text}</p>'
        for n, text in enumerate(["Child B lived with their mother.", "Police visited twice in March."], start=1)
    )
    version = ReportVersion.objects.create(
        review=review,
        number=1,
        source=ReportVersion.Source.DOCX,
        body_html=body,
        unit_count=2,
        name_check_at=timezone.now(),
    )
    person = circulation.Person(role="other", name="Sam Green", email="sam.green@police.example")
    mail.outbox.clear()
    circulation.circulate(version, people=[person], working_days=10, started_by=business_manager)
    (message,) = mail.outbox
    return re.search(r"https?://[^/\s]+(/draft-report/[^/\s]+/)", message.body).group(1)


def test_a_practitioner_comments_on_the_draft_by_keyboard(page, a11y, live_server, draft_link):
    from reports.models import Checker

    page.goto(draft_link)
    a11y.check()
    skip_to_main(page)
    tab_to(page, "Read the draft report")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/draft-report/terms/$"))
    a11y.check()

    # The confidentiality terms: the box, then the button.
    skip_to_main(page)
    tab_to(page, "I accept these terms")
    page.keyboard.press("Space")
    tab_to(page, "Accept and read the draft report")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/draft-report/read/$"))
    a11y.check()

    # Comment on paragraph 2 from the link beside it: its number is filled in, then each box in turn.
    skip_to_main(page)
    tab_to(page, "Comment on paragraph 2", limit=60)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/draft-report/comments/add/\?paragraph=2$"))
    a11y.check()
    expect(page.locator("#unit-text")).to_contain_text("Police visited twice in March.")
    skip_to_main(page)
    tab_to(page, "Paragraph number")
    expect(page.get_by_label("Paragraph number")).to_have_value("2")
    assert tab(page)["name"].startswith("What is not accurate")
    page.keyboard.type("They visited three times, not twice.")
    assert tab(page)["name"].startswith("Your proposed correction")
    page.keyboard.type("Police visited three times in March.")
    tab_to(page, "Save comment")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/draft-report/read/#your-comments$"))
    a11y.check()

    # Send it: the page opens at their comments, so Tab goes on from there.
    tab_to(page, "Send my comments")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    a11y.check()
    checker = Checker.objects.get()
    assert checker.responded_at is not None and not checker.no_comments
    assert [(c.paragraph, c.text) for c in checker.comments.all()] == [(2, "They visited three times, not twice.")]


def test_a_business_manager_records_the_sign_off_by_keyboard(page, a11y, live_server, review, business_manager):
    from django.utils import timezone

    from reports.models import Circulation, ReportVersion, SignOff
    from reviews.models import Review
    from tests.browser.journey import sign_in

    version = ReportVersion.objects.create(
        review=review,
        number=1,
        source=ReportVersion.Source.DOCX,
        body_html='<p id="paragraph-1"><span class="convene-number">1</span> Introduction.</p>',
        unit_count=1,
        name_check_at=timezone.now(),
    )
    # Sign-off takes a version that went through the factual-accuracy check.
    Circulation.objects.create(review=review, version=version, working_days=10, deadline=timezone.localdate())
    sign_in(page.context, live_server, business_manager)
    page.goto(f"/p/{review.partnership.slug}/reviews/{review.pk}/report/sign-off/")
    a11y.check()
    skip_to_main(page)
    # The only version is the first radio; Space chooses it.
    for _ in range(40):
        state = tab(page)
        if state["tag"] == "input" and state["name"].startswith("Version 1"):
            break
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    assert tab(page)["name"].startswith("Who signed it off?")
    page.keyboard.type("Safeguarding Partnership Executive")
    today = timezone.localdate()
    for part in (today.day, today.month, today.year):
        tab(page)
        page.keyboard.type(str(part))
    assert tab(page)["name"].startswith("Minute reference")
    page.keyboard.type("SPE 2026/41")
    state = tab(page)
    assert state["name"] == "I understand that sign-off cannot be undone", state
    page.keyboard.press("Space")
    state = tab(page)
    assert state["tag"] == "button", state
    with page.expect_navigation():
        page.keyboard.press("Enter")
    a11y.check()
    sign_off = SignOff.objects.get()
    assert (sign_off.body, sign_off.minute_reference, sign_off.signed_off_on) == (
        "Safeguarding Partnership Executive",
        "SPE 2026/41",
        today,
    )
    review.refresh_from_db()
    assert review.status == Review.Status.SIGNED_OFF
