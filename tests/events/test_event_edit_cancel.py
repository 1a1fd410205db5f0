"""Changing, rescheduling and cancelling an event; who may do it; what it does to `sequence`."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditEntry
from events import services
from events.models import Event, Invitation
from tests.events.conftest import LONDON, invite, make_event, make_practitioners

pytestmark = pytest.mark.usefixtures("frozen")


def edit_data(**overrides):
    return {
        "title": "Practitioner learning event for Child A",
        "date_0": "8",
        "date_1": "12",
        "date_2": "2026",
        "start_time": "10am",
        "end_time": "1pm",
        "format": "in_person",
        "venue_name": "Northvale Civic Centre",
        "venue_address": "1 High Street\nNorthvale",
        "access_information": "Step-free entrance at the side of the building.",
        "joining_link": "",
        "joining_details": "",
        "chair": "",
        "facilitator": "",
        "capacity": "40",
        "rsvp_deadline_0": "24",
        "rsvp_deadline_1": "11",
        "rsvp_deadline_2": "2026",
        "agenda": "",
    } | overrides


def edit_url(event):
    return reverse("events:event_edit", args=[event.review.partnership.slug, event.pk])


def cancel_url(event):
    return reverse("events:event_cancel", args=[event.review.partnership.slug, event.pk])


def detail_url(event):
    return reverse("events:event_detail", args=[event.review.partnership.slug, event.pk])


@pytest.mark.django_db
def test_the_edit_form_shows_the_current_details(bm_client, event):
    response = bm_client.get(edit_url(event))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="10am"' in page and 'value="1pm"' in page
    assert 'name="date_0" value="8"' in page
    assert "Northvale Civic Centre" in page


@pytest.mark.django_db
def test_changing_the_agenda_of_a_draft_is_audited_and_keeps_the_sequence(bm_client, event, business_manager):
    response = bm_client.post(edit_url(event), edit_data(agenda="Welcome, then the timeline."))
    assert response.status_code == 302
    assert response["Location"] == detail_url(event)
    event.refresh_from_db()
    assert event.agenda == "Welcome, then the timeline."
    assert event.sequence == 0
    entry = AuditEntry.objects.get(action="event.updated")
    assert entry.detail["fields"] == ["agenda"]
    assert entry.actor == business_manager


@pytest.mark.django_db
def test_saving_without_changes_writes_nothing(bm_client, event):
    response = bm_client.post(edit_url(event), edit_data(), follow=True)
    assert "You did not change anything." in response.content.decode()
    assert not AuditEntry.objects.filter(action="event.updated").exists()


@pytest.mark.django_db
def test_rescheduling_a_draft_does_not_bump_the_sequence(bm_client, event):
    bm_client.post(edit_url(event), edit_data(date_0="9", start_time="2pm", end_time="4:30pm"))
    event.refresh_from_db()
    assert event.starts_at == datetime(2026, 12, 9, 14, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2026, 12, 9, 16, 30, tzinfo=UTC)
    assert event.sequence == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"start_time": "11am"},
        {"date_0": "10"},
        {"venue_name": "Northvale Library"},
        {"venue_address": "2 Low Street"},
        {"format": "hybrid", "joining_link": "https://meet.example/abc"},
    ],
)
@pytest.mark.django_db
def test_a_new_time_or_place_after_invitations_went_out_bumps_the_sequence(
    bm_client, review, partnership, agency, overrides
):
    event = make_event(review, status=Event.Status.INVITATIONS_SENT, sequence=2)
    response = bm_client.post(edit_url(event), edit_data(**overrides), follow=True)
    event.refresh_from_db()
    assert event.sequence == 3
    assert "Everyone invited is getting an email with the new details" in response.content.decode()
    assert AuditEntry.objects.get(action="event.updated").detail["invitees_need_update"] is True


@pytest.mark.django_db
def test_other_changes_after_invitations_went_out_keep_the_sequence(bm_client, review):
    event = make_event(review, status=Event.Status.INVITATIONS_SENT, sequence=2)
    bm_client.post(edit_url(event), edit_data(agenda="New agenda", facilitator="Jan Price", capacity="45"))
    event.refresh_from_db()
    assert event.sequence == 2
    assert event.capacity == 45


@pytest.mark.django_db
def test_the_service_says_what_changed_for_the_notifications_to_come(review, partnership, agency, business_manager):
    event = make_event(review)
    [person] = make_practitioners(partnership, agency, 1)
    invite(event, person, Invitation.Status.INVITED)
    update = services.update_event(
        event,
        details={"venue_name": "Northvale Library", "agenda": "Timeline"},
        updated_by=business_manager,
    )
    assert update.changed == ["agenda", "venue_name"]
    assert update.time_or_place_changed is True
    assert update.invitees_need_update is True
    assert update.event.sequence == 1


@pytest.mark.django_db
def test_capacity_cannot_fall_below_those_attending(bm_client, review, partnership, agency):
    event = make_event(review)
    for person in make_practitioners(partnership, agency, 3):
        invite(event, person, Invitation.Status.ACCEPTED)
    response = bm_client.post(edit_url(event), edit_data(capacity="2"))
    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [
        "The number of places cannot be less than the 3 people who have already said they will attend."
    ]
    event.refresh_from_db()
    assert event.capacity == 40
    assert bm_client.post(edit_url(event), edit_data(capacity="3")).status_code == 302


@pytest.mark.django_db
def test_the_service_checks_capacity_too(review, partnership, agency, business_manager):
    event = make_event(review)
    [person] = make_practitioners(partnership, agency, 1)
    invite(event, person, Invitation.Status.ACCEPTED)
    with pytest.raises(services.EventError) as raised:
        services.update_event(event, details={"capacity": 0}, updated_by=business_manager)
    assert raised.value.field == "capacity"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_time": "9am"}, "end_time", "The end time must be after the start time"),
        ({"date_0": "1", "date_1": "11"}, "date", "The date of the event must be in the future"),
        ({"rsvp_deadline_0": "10", "rsvp_deadline_1": "12"}, "rsvp_deadline",
         "The reply-by date must be on or before the date of the event"),
        ({"title": "Event for Hart-Smith"}, "title",
         "The title must not contain the real name of the child or adult. Use the pseudonym, such as Child A."),
        ({"format": "online"}, "joining_link", "Enter the joining link for the online meeting, starting https://"),
    ],
)  # fmt: skip
@pytest.mark.django_db
def test_edits_are_checked_like_new_events(bm_client, event, overrides, field, message):
    response = bm_client.post(edit_url(event), edit_data(**overrides))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    event.refresh_from_db()
    assert event.title == "Practitioner learning event for Child A"
    assert event.starts_at == datetime(2026, 12, 8, 10, 0, tzinfo=LONDON)
    assert not AuditEntry.objects.filter(action="event.updated").exists()


@pytest.mark.django_db
def test_an_event_that_has_happened_can_still_have_its_agenda_corrected(bm_client, event, frozen, business_manager):
    frozen.move_to(datetime(2026, 12, 10, 9, 0, tzinfo=LONDON))
    bm_client.force_login(business_manager)  # the old session timed out while we travelled
    response = bm_client.post(edit_url(event), edit_data(agenda="What we covered"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.agenda == "What we covered"


@pytest.mark.django_db
def test_a_cancelled_event_cannot_be_changed(bm_client, review):
    event = make_event(review, status=Event.Status.CANCELLED, cancellation_reason="Reviewer ill")
    response = bm_client.get(edit_url(event), follow=True)
    assert response.redirect_chain[-1][0] == detail_url(event)
    assert "This event has been cancelled, so it cannot be changed." in response.content.decode()
    response = bm_client.post(edit_url(event), edit_data(agenda="Sneaky"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.agenda == ""


@pytest.mark.django_db
def test_the_service_refuses_to_change_a_cancelled_event(review, business_manager):
    event = make_event(review, status=Event.Status.CANCELLED)
    with pytest.raises(services.EventError, match="cancelled"):
        services.update_event(event, details={"agenda": "x"}, updated_by=business_manager)


@pytest.mark.django_db
def test_cancelling_asks_for_a_reason_on_a_confirmation_page(bm_client, event):
    response = bm_client.get(cancel_url(event))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tuesday 8 December 2026, 10am to 1pm" in page
    assert "You cannot undo this." in page

    response = bm_client.post(cancel_url(event), {"reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Enter the reason for cancelling the event"]
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


@pytest.mark.django_db
def test_cancelling_records_the_reason_and_bumps_the_sequence(bm_client, event, business_manager):
    response = bm_client.post(cancel_url(event), {"reason": "The reviewer is ill."}, follow=True)
    assert response.redirect_chain[-1][0] == detail_url(event)
    page = response.content.decode()
    assert "The event is cancelled." in page
    assert "The reviewer is ill." in page
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert event.cancellation_reason == "The reviewer is ill."
    assert event.cancelled_at == datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)
    assert event.sequence == 1
    entry = AuditEntry.objects.get(action="event.cancelled")
    assert entry.actor == business_manager

    response = bm_client.post(cancel_url(event), {"reason": "Again"}, follow=True)
    assert "This event has already been cancelled." in response.content.decode()
    assert AuditEntry.objects.filter(action="event.cancelled").count() == 1


@pytest.mark.django_db
def test_a_held_event_cannot_be_cancelled(bm_client, review):
    event = make_event(review, status=Event.Status.HELD)
    response = bm_client.post(cancel_url(event), {"reason": "Too late"}, follow=True)
    assert "This event has already been held, so it cannot be cancelled." in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.HELD


@pytest.mark.django_db
def test_who_may_change_or_cancel(client, event, reviewer, unassigned_reviewer, outsider):
    urls = [(edit_url(event), edit_data(agenda="x")), (cancel_url(event), {"reason": "x"})]
    for url, data in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
        assert client.post(url, data).status_code == 302
    for user, status in ((outsider, 404), (unassigned_reviewer, 404), (reviewer, 403)):
        client.force_login(user)
        for url, data in urls:
            assert client.get(url).status_code == status, (user, url)
            assert client.post(url, data).status_code == status, (user, url)
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT and event.agenda == ""


@pytest.mark.django_db
def test_an_event_under_another_partnerships_slug_is_not_found(client, event, other_partnership, outsider):
    client.force_login(outsider)
    url = reverse("events:event_edit", args=[other_partnership.slug, event.pk])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_reply_by_date_already_passed_may_stay_when_editing(bm_client, review, frozen, business_manager):
    event = make_event(review, rsvp_deadline=date(2026, 11, 24))
    frozen.move_to(datetime(2026, 11, 30, 9, 0, tzinfo=LONDON))
    bm_client.force_login(business_manager)
    assert bm_client.post(edit_url(event), edit_data(agenda="Agenda")).status_code == 302


@pytest.mark.django_db
def test_changes_across_the_clock_change_use_uk_time(bm_client, review, business_manager):
    with time_machine.travel(datetime(2027, 3, 1, 9, 0, tzinfo=LONDON), tick=False):
        bm_client.force_login(business_manager)
        event = make_event(
            review,
            starts_at=datetime(2027, 3, 26, 10, 0, tzinfo=LONDON),
            ends_at=datetime(2027, 3, 26, 12, 0, tzinfo=LONDON),
            rsvp_deadline=date(2027, 3, 20),
        )
        data = edit_data(date_0="2", date_1="4", date_2="2027", rsvp_deadline_0="20", rsvp_deadline_1="3")
        data["rsvp_deadline_2"] = "2027"
        assert bm_client.post(edit_url(event), data).status_code == 302
        event.refresh_from_db()
    assert event.starts_at == datetime(2027, 4, 2, 9, 0, tzinfo=UTC)
