"""Hybrid events: in the room or online, the room's places, and the questions that go with each answer."""

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from core.models import AuditEntry
from events import invitations, services
from events.models import Event, Invitation
from events.pdfs import render_sign_in_sheet
from tests.events.conftest import invite, make_practitioners

pytestmark = pytest.mark.django_db


@pytest.fixture
def hybrid(event):
    event.format = Event.Format.HYBRID
    event.joining_details = "Video call: https://meet.example/abc"
    event.capacity = 2
    event.save()
    return event


def _link(event, practitioner, django_capture_on_commit_callbacks, mailoutbox):
    invite(event, practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        invitations.send_invitations(event, sent_by=None)
    return re.search(r"https?://[^/]+(/invitation/[^/\s]+/)", mailoutbox[-1].body).group(1)


@pytest.fixture
def practitioner(partnership, agency):
    return make_practitioners(partnership, agency, 1, start=500)[0]


@pytest.fixture
def browser(hybrid, practitioner, frozen, django_capture_on_commit_callbacks, mailoutbox):
    """The practitioner's browser with their invitation to the hybrid event open."""
    browser = Client()
    assert browser.post(_link(hybrid, practitioner, django_capture_on_commit_callbacks, mailoutbox)).status_code == 302
    return browser


def mine(practitioner):
    return Invitation.objects.get(practitioner=practitioner)


def fill_the_room(event, partnership, agency, count):
    for person in make_practitioners(partnership, agency, count, start=100):
        Invitation.objects.create(
            event=event, practitioner=person, status=Invitation.Status.ACCEPTED, joining=Invitation.Joining.IN_ROOM
        )


def post(browser, **data):
    return browser.post(reverse("invitation:page"), data)


def test_without_javascript_every_question_shows_under_its_answer(browser):
    page = browser.get(reverse("invitation:page")).content.decode()
    for question in (
        "Will you attend?",
        "Will you join in the room or online?",
        "Do you have any access needs? (optional)",
        "Will your line manager come with you for support?",
        "that you are taking part?",
        "Why can you not attend? (optional)",
        "Colleague who knew the family better (optional)",
        "Their work email address (optional)",
    ):
        assert question in page
    # GOV.UK Frontend's conditional reveal markup: each answer names the block of questions after it,
    # which only a browser running the page's script hides (govuk-frontend-supported).
    yes = page.index('data-aria-controls="conditional-attending-yes"')
    no = page.index('data-aria-controls="conditional-attending-no"')
    assert yes < page.index('id="conditional-attending-yes"') < page.index('name="joining"') < no
    assert no < page.index('id="conditional-attending-no"') < page.index('name="decline_reason"')
    assert page.count("govuk-radios__conditional govuk-radios__conditional--hidden") == 2
    assert "js/reveal.mjs" in page


def test_after_an_error_the_chosen_answers_questions_stay_open(browser, practitioner):
    response = post(browser, attending="no", decline_reason="On leave", suggested_colleague_email="not an address")
    page = response.content.decode()
    assert "Enter your colleague&#x27;s email address in the right form" in page
    assert 'class="govuk-radios__conditional" id="conditional-attending-no"' in page
    assert 'govuk-radios__conditional--hidden" id="conditional-attending-yes"' in page
    assert "On leave" in page  # nothing typed is lost
    assert mine(practitioner).status == Invitation.Status.INVITED


def test_attending_needs_an_answer_to_in_the_room_or_online(browser, practitioner):
    response = post(browser, attending="yes", tell_agency="no", access_needs="A hearing loop")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Select whether you will join in the room or online") == 2  # the summary and the field
    assert '<a href="#id_joining_0">' in page
    assert "A hearing loop" in page
    assert mine(practitioner).status == Invitation.Status.INVITED
    assert not AuditEntry.objects.filter(action="rsvp.recorded").exists()


def test_an_unknown_way_of_joining_is_refused(browser, practitioner):
    response = post(browser, attending="yes", joining="by carrier pigeon")
    assert "Select whether you will join in the room or online" in response.content.decode()
    assert mine(practitioner).status == Invitation.Status.INVITED


def test_joining_online_takes_no_place_in_a_full_room(browser, practitioner, hybrid, partnership, agency):
    fill_the_room(hybrid, partnership, agency, 2)
    refused = post(browser, attending="yes", joining="in_room")
    assert "The room is full. Select online to join by video" in refused.content.decode()
    assert mine(practitioner).status == Invitation.Status.INVITED

    assert post(browser, attending="yes", joining="online").status_code == 302
    invitation = mine(practitioner)
    assert (invitation.status, invitation.joining) == (Invitation.Status.ACCEPTED, Invitation.Joining.ONLINE)
    # Moving into the full room is refused too, and the reply stays as it was.
    again = post(browser, attending="yes", joining="in_room")
    assert "The room is full" in again.content.decode()
    assert mine(practitioner).joining == Invitation.Joining.ONLINE


def test_a_change_from_the_room_to_online_is_a_change_of_reply(browser, practitioner, mailoutbox):
    assert post(browser, attending="yes", joining="in_room").status_code == 302
    sent = len(mailoutbox)
    response = post(browser, attending="yes", joining="online")
    assert response.status_code == 302
    assert mine(practitioner).joining == Invitation.Joining.ONLINE
    entry = AuditEntry.objects.filter(action="rsvp.recorded").latest("pk")
    assert entry.detail["changed"] == ["joining"] and entry.detail["joining"] == "online"
    assert len(mailoutbox) == sent  # still attending: no new confirmation
    page = browser.get(reverse("invitation:page")).content.decode()
    assert "you will attend online" in page
    assert "Your changes are saved" in page


def test_answers_to_the_other_answers_questions_are_neither_checked_nor_kept(browser, practitioner):
    response = post(
        browser,
        attending="yes",
        joining="in_room",
        decline_reason="I am on leave",
        suggested_colleague_name="Jo Bloggs",
        suggested_colleague_email="not an address",
    )
    assert response.status_code == 302
    invitation = mine(practitioner)
    assert invitation.status == Invitation.Status.ACCEPTED
    assert (invitation.decline_reason, invitation.suggested_colleague_name, invitation.suggested_colleague_email) == (
        "",
        "",
        "",
    )

    response = post(
        browser,
        attending="no",
        joining="online",
        access_needs="A quiet room",
        line_manager_attending="yes",
        tell_agency="yes",
        decline_reason="On leave",
    )
    assert response.status_code == 302
    invitation = mine(practitioner)
    assert invitation.status == Invitation.Status.DECLINED and invitation.decline_reason == "On leave"
    assert (invitation.joining, invitation.access_needs, invitation.line_manager_attending, invitation.tell_agency) == (
        "",
        "",
        None,
        False,
    )


def test_an_event_that_is_not_hybrid_does_not_ask(
    event, practitioner, frozen, django_capture_on_commit_callbacks, mailoutbox
):
    browser = Client()
    browser.post(_link(event, practitioner, django_capture_on_commit_callbacks, mailoutbox))
    page = browser.get(reverse("invitation:page")).content.decode()
    assert "in the room or online" not in page
    assert post(browser, attending="yes", joining="online").status_code == 302
    assert mine(practitioner).joining == ""


def test_the_service_refuses_a_hybrid_acceptance_without_a_way_of_joining(hybrid, practitioner, frozen):
    invitation = invite(hybrid, practitioner, Invitation.Status.INVITED)
    with pytest.raises(services.EventError, match="Select whether you will join in the room or online") as error:
        invitations.record_rsvp(invitation, attending=True)
    assert error.value.field == "joining"
    assert mine(practitioner).status == Invitation.Status.INVITED


def test_the_event_page_counts_the_room_and_online(hybrid, partnership, agency, bm_client, frozen):
    hybrid.capacity = 10
    hybrid.save()
    people = make_practitioners(partnership, agency, 5, start=200)
    for person, joining in zip(people, ["in_room", "in_room", "online", ""], strict=False):
        Invitation.objects.create(event=hybrid, practitioner=person, status=Invitation.Status.ACCEPTED, joining=joining)
    invite(hybrid, people[4], Invitation.Status.INVITED)
    page = bm_client.get(reverse("events:event_detail", args=[partnership.slug, hybrid.pk])).content.decode()
    places = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "In the room: 3 of 10 places taken" in places
    assert "Online: 1 person" in places
    assert "1 person has not said whether they will join in the room or online, so they are counted in the room." in (
        places
    )
    assert "10 in the room (anyone may join online)" in places


def test_the_number_of_places_counts_only_the_room(hybrid, partnership, agency, frozen):
    fill_the_room(hybrid, partnership, agency, 2)
    online = make_practitioners(partnership, agency, 3, start=300)
    for person in online:
        Invitation.objects.create(
            event=hybrid, practitioner=person, status=Invitation.Status.ACCEPTED, joining=Invitation.Joining.ONLINE
        )
    assert services.capacity_too_small(hybrid, 2) is None
    assert services.capacity_too_small(hybrid, 1) == (
        "The number of places cannot be less than the 2 people who have said they will attend in the room."
    )


def test_the_replies_csv_says_how_each_joins(hybrid, partnership, agency, bm_client, frozen):
    fill_the_room(hybrid, partnership, agency, 1)
    person = make_practitioners(partnership, agency, 1, start=400)[0]
    Invitation.objects.create(
        event=hybrid, practitioner=person, status=Invitation.Status.ACCEPTED, joining=Invitation.Joining.ONLINE
    )
    declined = make_practitioners(partnership, agency, 1, start=401)[0]
    invite(hybrid, declined, Invitation.Status.DECLINED)
    response = bm_client.get(reverse("events:event_replies_csv", args=[partnership.slug, hybrid.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["name"]: row["joining"] for row in rows} == {
        "Person 0100": "in the room",
        "Person 0400": "online",
        "Person 0401": "",
    }


def test_the_sign_in_sheet_lists_only_those_in_the_room(hybrid, partnership, agency, frozen):
    fill_the_room(hybrid, partnership, agency, 1)
    online = make_practitioners(partnership, agency, 2, start=600)
    for person in online:
        Invitation.objects.create(
            event=hybrid, practitioner=person, status=Invitation.Status.ACCEPTED, joining=Invitation.Joining.ONLINE
        )
    pdf = render_sign_in_sheet(Event.objects.get(pk=hybrid.pk))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Attending in the room (1)" in text and "Person 0100" in text
    assert "Person 0600" not in text and "Person 0601" not in text
    assert "Joining online, so not on this sheet: 2 people." in text


def test_the_confirmation_and_the_invitee_page_say_how_they_join(
    browser, practitioner, hybrid, partnership, bm_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert post(browser, attending="yes", joining="online").status_code == 302
    assert "we have recorded that you will attend online." in mailoutbox[-1].body
    invitation = mine(practitioner)
    page = bm_client.get(reverse("events:invitee_detail", args=[partnership.slug, hybrid.pk, invitation.pk]))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))
    assert "In the room or online Online" in text
