"""Joining online: an http or https link, shown only to those who accept, in their calendar entry alone."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from events import invitations, services
from events.models import Event, Invitation
from notifications.models import OutboundMessage
from tests.events.conftest import invite, make_event, make_practitioners
from tests.events.test_event_create import post
from tests.events.test_event_edit_cancel import edit_data, edit_url

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/northvale/abc?pwd=4821"


def errors(response):
    return {name: list(errs) for name, errs in response.context["form"].errors.items()}


# The link is a web address ----------------------------------------------------------------------

NOT_A_WEB_ADDRESS = (
    "The joining link must be a web address starting with https:// (or http://), like https://meet.example.org/abc"
)


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("javascript:alert(document.cookie)", NOT_A_WEB_ADDRESS),
        ("JavaScript://%0Aalert(1)", NOT_A_WEB_ADDRESS),
        ("data:text/html,<script>alert(1)</script>", NOT_A_WEB_ADDRESS),
        ("vbscript:msgbox(1)", NOT_A_WEB_ADDRESS),
        ("ftp://files.example.org/meeting", NOT_A_WEB_ADDRESS),
        ("meet.example.org/abc", NOT_A_WEB_ADDRESS),
        (
            "https://meet example.org/abc",
            "Enter the joining link as a whole web address with no spaces, like https://meet.example.org/abc",
        ),
        ("https://meet.example.org/" + "a" * 2000, "The joining link must be 2,000 characters or fewer"),
        ("", "Enter the joining link for the online meeting, starting https://"),
    ],
)
@pytest.mark.parametrize("kind", ["online", "hybrid"])
def test_a_joining_link_that_is_not_a_web_address_is_refused_by_name(
    bm_client, partnership, review, frozen, kind, link, message
):
    response = post(bm_client, partnership, review, format=kind, joining_link=link, joining_details="Passcode 4821")
    assert response.status_code == 200
    assert errors(response) == {"joining_link": [message]}
    # What was typed stays on the page, and nothing is saved.
    assert "Passcode 4821" in response.content.decode()
    assert not Event.objects.exists()


def test_changing_an_event_to_a_bad_link_changes_nothing(bm_client, review, frozen):
    event = make_event(review, format=Event.Format.ONLINE, venue_name="", joining_link=LINK)
    response = bm_client.post(edit_url(event), edit_data(format="online", joining_link="javascript:alert(1)"))
    assert errors(response) == {"joining_link": [NOT_A_WEB_ADDRESS]}
    event.refresh_from_db()
    assert event.joining_link == LINK


def test_the_service_and_the_database_refuse_other_schemes_too(review, event, business_manager):
    with pytest.raises(services.EventError) as refused:
        services.update_event(event, details={"joining_link": "data:text/html,hi"}, updated_by=business_manager)
    assert refused.value.field == "joining_link"
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(joining_link="javascript:alert(1)")


def test_an_in_person_event_keeps_no_link(bm_client, partnership, review, frozen):
    post(bm_client, partnership, review, format="in_person", joining_link=LINK)
    assert Event.objects.get().joining_link == ""


# Only those who accept get it ------------------------------------------------------------------


def calendars(message):
    return [
        Calendar.from_ical(part.get_payload(decode=True))
        for part in message.attachments
        if hasattr(part, "get_content_type") and part.get_content_type() == "text/calendar"
    ]


def entry(message):
    (calendar,) = calendars(message)
    return calendar.walk("VEVENT")[0]


def has_link(vevent):
    return LINK in vevent.to_ical().decode().replace("\r\n ", "")


@pytest.fixture
def online(review, reviewer, frozen):
    return make_event(
        review,
        format=Event.Format.HYBRID,
        joining_link=LINK,
        joining_details="Passcode 4821",
        chair=reviewer,
    )


@pytest.fixture
def sent(online, partnership, agency, mailoutbox, django_capture_on_commit_callbacks):
    for person in make_practitioners(partnership, agency, 2):
        invite(online, person)
    with django_capture_on_commit_callbacks(execute=True):
        invitations.send_invitations(online, sent_by=None)
    return {message.to[0]: message for message in mailoutbox}


def browser_for(message):
    browser = Client()
    browser.post(re.search(r"https?://[^/]+(/invitation/[^/\s]+/)", message.body).group(1))
    return browser


def test_the_invitation_everyone_gets_has_no_link_anywhere(sent):
    for message in sent.values():
        assert LINK not in message.body and LINK not in message.alternatives[0][0]
        vevent = entry(message)
        assert not has_link(vevent) and "URL" not in vevent
        assert "Passcode" not in vevent.to_ical().decode()


def test_accepting_sends_an_updated_entry_with_the_link(sent, online, mailoutbox, django_capture_on_commit_callbacks):
    address, invitation_email = next(iter(sent.items()))
    browser = browser_for(invitation_email)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("invitation:page"), {"attending": "yes", "tell_agency": "no"})
    assert response.status_code == 302
    (confirmation,) = mailoutbox
    before, after = entry(invitation_email), entry(confirmation)
    assert str(after["UID"]) == str(before["UID"]) == f"{online.uid}@convene"
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert str(after["URL"]) == LINK
    assert LINK in str(after["DESCRIPTION"]) and "Passcode 4821" in str(after["DESCRIPTION"])
    assert calendars(confirmation)[0]["METHOD"] == "REQUEST"
    assert LINK in confirmation.body
    assert f'href="{LINK}"'.replace("&", "&amp;") in confirmation.alternatives[0][0]
    # It went through the outbox, about this invitation.
    invitation = Invitation.objects.get(practitioner__email=address)
    assert OutboundMessage.objects.about_one(invitation).filter(kind="rsvp_confirmation", state="sent").exists()
    assert invitation.calendar_sequence_sent == after["SEQUENCE"]


def test_the_page_shows_the_link_in_full_only_once_they_accept(sent, django_capture_on_commit_callbacks):
    browser = browser_for(next(iter(sent.values())))
    page = browser.get(reverse("invitation:page")).content.decode()
    assert LINK not in page and "Passcode 4821" not in page
    assert LINK not in browser.get(reverse("invitation:calendar")).content.decode().replace("\r\n ", "")
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("invitation:page"), {"attending": "yes", "tell_agency": "no"})
    page = browser.get(reverse("invitation:page")).content.decode()
    shown = LINK.replace("&", "&amp;")
    assert f'<a class="govuk-link" href="{shown}" rel="noreferrer noopener">{shown}</a>' in page
    download = Calendar.from_ical(browser.get(reverse("invitation:calendar")).content).walk("VEVENT")[0]
    assert str(download["URL"]) == LINK


def test_a_change_to_the_event_reaches_each_invitee_with_a_higher_sequence_and_the_link_only_for_those_attending(
    sent, online, business_manager, mailoutbox, django_capture_on_commit_callbacks
):
    (attending_address, _), (waiting_address, waiting_email) = sent.items()
    with django_capture_on_commit_callbacks(execute=True):
        invitations.record_rsvp(Invitation.objects.get(practitioner__email=attending_address), attending=True)
    accepted_entry = entry(mailoutbox[-1])
    mailoutbox.clear()
    new_link = "https://meet.example.org/northvale/new-room"
    with django_capture_on_commit_callbacks(execute=True):
        services.update_event(online, details={"joining_link": new_link}, updated_by=business_manager)
    updates = {message.to[0]: entry(message) for message in mailoutbox}
    assert updates[attending_address]["SEQUENCE"] > accepted_entry["SEQUENCE"]
    assert str(updates[attending_address]["URL"]) == new_link
    assert updates[waiting_address]["SEQUENCE"] > entry(waiting_email)["SEQUENCE"]
    assert "URL" not in updates[waiting_address] and new_link not in updates[waiting_address].to_ical().decode()
    assert all(LINK not in vevent.to_ical().decode() for vevent in updates.values())


def test_declining_after_accepting_cancels_the_entry_with_a_higher_sequence_and_no_link(
    sent, mailoutbox, django_capture_on_commit_callbacks
):
    address = next(iter(sent))
    with django_capture_on_commit_callbacks(execute=True):
        invitations.record_rsvp(Invitation.objects.get(practitioner__email=address), attending=True)
    accepted = entry(mailoutbox[-1])
    with django_capture_on_commit_callbacks(execute=True):
        invitations.record_rsvp(Invitation.objects.get(practitioner__email=address), attending=False)
    declined = mailoutbox[-1]
    assert calendars(declined)[0]["METHOD"] == "CANCEL"
    assert entry(declined)["SEQUENCE"] == accepted["SEQUENCE"] + 1
    assert not has_link(entry(declined)) and LINK not in declined.body
