"""A practitioner follows the link in their invitation email, replies, then changes their mind."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.models import Event, Invitation
from tests.browser.conftest import invited_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def invitation_email(review, reviewer):
    invited_event(
        review,
        reviewer,
        days_ahead=14,
        reply_within_days=7,
        format=Event.Format.HYBRID,
        joining_link="https://meet.example/abc",
        joining_details="Passcode 4821",
    )
    (message,) = mail.outbox
    return message


def test_practitioner_replies_and_changes_their_reply(page, a11y, live_server, invitation_email):
    path = re.search(r"https?://[^/\s]+(/invitation/[^/\s]+/)", invitation_email.body).group(1)
    page.goto(path)
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are invited to a practitioner event")
    assert Invitation.objects.get().status == Invitation.Status.INVITED  # opening the link changed nothing

    page.get_by_role("button", name="Open your invitation").click()
    expect(page).to_have_url(re.compile(r"/invitation/$"))
    a11y.check()
    expect(page.get_by_text("You will see the joining link here")).to_be_visible()

    # The questions that go with an answer show only once it is chosen.
    reason = page.get_by_label("Why can you not attend? (optional)")
    joining = page.get_by_role("group", name="Will you join in the room or online?")
    access_needs = page.get_by_label("Do you have any access needs? (optional)")
    for question in (reason, joining, access_needs):
        expect(question).to_be_hidden()

    # Sending nothing is a clear error.
    page.get_by_role("button", name="Send your reply").click()
    a11y.check()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select yes if you will attend")

    # No: its questions appear. Yes: they hide, and those for attending appear.
    page.get_by_label("No, I cannot attend").check()
    expect(reason).to_be_visible()
    expect(page.get_by_label("Colleague who knew the family better (optional)")).to_be_visible()
    expect(joining).to_be_hidden()
    expect(access_needs).to_be_hidden()
    a11y.check()
    reason.fill("Typed before changing my mind")
    page.get_by_label("Yes, I will attend").check()
    expect(reason).to_be_hidden()
    expect(joining).to_be_visible()
    expect(access_needs).to_be_visible()
    a11y.check()

    # At a hybrid event, attending asks in the room or online.
    access_needs.fill("A hearing loop, please")
    page.get_by_role("group", name="Will your line manager come with you for support?").get_by_label("Yes").check()
    page.get_by_role("button", name="Send your reply").click()
    a11y.check()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether you will join in the room or online")
    expect(joining).to_be_visible()  # the chosen answer's questions stay open, with what was typed
    expect(access_needs).to_have_value("A hearing loop, please")
    assert Invitation.objects.get().status == Invitation.Status.INVITED
    joining.get_by_label("In the room").check()
    page.get_by_role("button", name="Send your reply").click()
    a11y.check()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You are down as attending")
    joining = page.get_by_role("link", name="https://meet.example/abc", exact=True)
    expect(joining).to_have_attribute("href", "https://meet.example/abc")
    expect(page.get_by_text("Passcode 4821")).to_be_visible()
    invitation = Invitation.objects.get()
    assert invitation.status == Invitation.Status.ACCEPTED and invitation.access_needs == "A hearing loop, please"
    assert invitation.joining == Invitation.Joining.IN_ROOM
    assert invitation.decline_reason == ""  # the hidden question's answer is not kept

    # Joining online instead is a change of reply.
    joining.get_by_label("Online").check()
    page.get_by_role("button", name="Change your reply").click()
    a11y.check()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your changes are saved")
    invitation.refresh_from_db()
    assert invitation.joining == Invitation.Joining.ONLINE

    page.get_by_label("No, I cannot attend").check()
    page.get_by_label("Why can you not attend? (optional)").fill("I am on leave that week")
    page.get_by_role("button", name="Change your reply").click()
    a11y.check()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Thank you for letting us know")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert invitation.decline_reason == "I am on leave that week"
    subjects = [m.subject for m in mail.outbox]
    assert subjects[-2].startswith("You are attending") and subjects[-1].startswith("You are not attending")

    page.get_by_role("button", name="Close your invitation on this device").click()
    a11y.check()
    page.goto("/invitation/")
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
