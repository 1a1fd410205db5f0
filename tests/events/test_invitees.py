"""Building an event's invitee list: from the directory, as a new person, and taking people off it."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from events import services
from events.models import Event, Invitation
from practitioners.models import Agency, Practitioner
from tests.events.conftest import invite, make_event, make_practitioners

pytestmark = pytest.mark.usefixtures("frozen")


def add_url(event):
    return reverse("events:invitee_add", args=[event.review.partnership.slug, event.pk])


def new_url(event):
    return reverse("events:invitee_add_new", args=[event.review.partnership.slug, event.pk])


def remove_url(invitation):
    event = invitation.event
    return reverse("events:invitee_remove", args=[event.review.partnership.slug, event.pk, invitation.pk])


def detail_url(event):
    return reverse("events:event_detail", args=[event.review.partnership.slug, event.pk])


def new_person(for_agency, **overrides):
    return {
        "full_name": "Alex Morgan",
        "job_title": "School nurse",
        "agency": str(for_agency.pk),
        "email": "Alex.Morgan@Health.example",
        "phone": "01632 960 999",
        "line_manager_name": "Jo Byrne",
        "line_manager_email": "jo.byrne@health.example",
    } | overrides


# From the directory ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_directory_shows_who_is_already_invited(bm_client, event, sam, lee):
    invite(event, sam)
    response = bm_client.get(add_url(event))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Already invited" in page
    assert f'id="practitioner-{lee.pk}"' in page
    assert f'id="practitioner-{sam.pk}"' not in page
    assert "Invite Lee Patel" in page
    assert page.count("<h1") == 1


@pytest.mark.django_db
def test_the_directory_can_be_searched_and_filtered_by_agency(bm_client, event, sam, lee, health):
    page = bm_client.get(add_url(event), {"q": "visitor"}).content.decode()
    assert "Lee Patel" in page and "Sam Green" not in page
    page = bm_client.get(add_url(event), {"agency": health.pk}).content.decode()
    assert "Lee Patel" in page and "Sam Green" not in page
    page = bm_client.get(add_url(event), {"q": "nobody like this"}).content.decode()
    assert "Nobody in the directory matches your search." in page


@pytest.mark.django_db
def test_a_stale_or_foreign_agency_filter_does_not_break_the_page(bm_client, event, sam, other_partnership):
    foreign = Agency.objects.create(partnership=other_partnership, name="Eastmere Police")
    for value in ("999999", "abc", str(foreign.pk)):
        response = bm_client.get(add_url(event), {"agency": value, "page": "x"})
        assert response.status_code == 200
        assert "Sam Green" in response.content.decode()


@pytest.mark.django_db
def test_the_directory_only_lists_this_partnerships_people(bm_client, event, sam, other_partnership):
    agency = Agency.objects.create(partnership=other_partnership, name="Eastmere Police")
    make_practitioners(other_partnership, agency, 1, start=500)
    page = bm_client.get(add_url(event)).content.decode()
    assert "Person 0500" not in page


@pytest.mark.django_db
def test_the_directory_is_paginated_at_100(bm_client, event, partnership, agency):
    make_practitioners(partnership, agency, 150)
    first = bm_client.get(add_url(event)).content.decode()
    assert first.count('name="practitioners"') == 100
    assert "1 to 100 of 150 people" in first
    second = bm_client.get(add_url(event), {"page": 2, "q": "Person"}).content.decode()
    assert second.count('name="practitioners"') == 50
    # The pages turn by the picker's own form, so that the boxes ticked on this page are kept.
    assert 'name="page" value="1"' in second


@pytest.mark.django_db
def test_several_people_are_added_at_once_and_audited(bm_client, event, sam, lee, business_manager):
    response = bm_client.post(add_url(event), {"practitioners": [sam.pk, lee.pk]}, follow=True)
    assert response.redirect_chain[-1][0] == detail_url(event)
    assert "2 people added to the invitee list." in response.content.decode()
    invitations = event.invitations.order_by("practitioner__full_name")
    assert [i.practitioner for i in invitations] == [lee, sam]
    assert all(i.status == Invitation.Status.NOT_SENT for i in invitations)
    assert all(i.source == Invitation.Source.DIRECTORY for i in invitations)
    assert all(i.added_by == business_manager for i in invitations)
    entry = AuditEntry.objects.get(action="invitees.added")
    assert sorted(entry.detail["practitioners"]) == sorted([sam.pk, lee.pk])
    assert entry.actor == business_manager


@pytest.mark.django_db
def test_someone_already_invited_is_skipped_with_a_message_and_the_rest_are_added(bm_client, event, sam, lee):
    invite(event, sam)
    response = bm_client.post(add_url(event), {"practitioners": [sam.pk, lee.pk]}, follow=True)
    page = response.content.decode()
    assert "1 person added to the invitee list." in page
    assert "Sam Green was already on the invitee list, so we did not add them again." in page
    assert event.invitations.count() == 2
    assert event.invitations.filter(practitioner=sam).count() == 1


@pytest.mark.django_db
def test_the_service_reports_duplicates_without_failing(event, sam, lee, business_manager):
    invite(event, sam)
    added, already_there = services.add_invitees(
        event, [sam, lee, lee], source=Invitation.Source.DIRECTORY, added_by=business_manager
    )
    assert [i.practitioner for i in added] == [lee]
    assert already_there == [sam]
    assert event.invitations.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose at least one person in the directory to invite"),
        ({"practitioners": ["abc"]}, "Choose people from the list"),
        ({"practitioners": ["999999"]}, "Choose people from the list"),
    ],
)
@pytest.mark.django_db
def test_bad_picks_are_refused_and_nothing_is_added(bm_client, event, sam, data, message):
    response = bm_client.post(add_url(event), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert page.count("govuk-error-summary__title") == 1
    assert "<title>Error: " in page
    assert not event.invitations.exists()


@pytest.mark.django_db
def test_people_from_another_partnership_cannot_be_picked(bm_client, event, sam, other_partnership):
    agency = Agency.objects.create(partnership=other_partnership, name="Eastmere Police")
    [stranger] = make_practitioners(other_partnership, agency, 1, start=700)
    response = bm_client.post(add_url(event), {"practitioners": [sam.pk, stranger.pk]})
    assert response.status_code == 200
    assert "Choose people from the list" in response.content.decode()
    assert not event.invitations.exists()


# A new person ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_person_goes_into_the_directory_and_onto_the_list(bm_client, event, health, business_manager):
    response = bm_client.post(new_url(event), new_person(health), follow=True)
    assert response.redirect_chain[-1][0] == detail_url(event)
    assert "Alex Morgan is added to the directory and the invitee list." in response.content.decode()
    person = Practitioner.objects.get(email="alex.morgan@health.example")
    assert person.agency == health and person.line_manager_name == "Jo Byrne"
    invitation = event.invitations.get()
    assert invitation.practitioner == person
    assert invitation.source == Invitation.Source.NEW
    assert invitation.status == Invitation.Status.NOT_SENT
    assert AuditEntry.objects.filter(action="invitees.added").count() == 1
    assert AuditEntry.objects.filter(action="practitioner.created").count() == 1


@pytest.mark.django_db
def test_a_new_person_whose_email_is_in_the_directory_is_invited_as_they_are(bm_client, event, sam, health):
    data = new_person(health, full_name="Samuel Green", email="SAM.GREEN@police.example")
    response = bm_client.post(new_url(event), data, follow=True)
    assert "Sam Green was already in the directory and is now on the invitee list." in response.content.decode()
    assert Practitioner.objects.count() == 1
    assert event.invitations.get().source == Invitation.Source.DIRECTORY


@pytest.mark.django_db
def test_a_new_person_already_on_the_list_gets_a_message(bm_client, event, sam, health):
    invite(event, sam)
    response = bm_client.post(new_url(event), new_person(health, email=sam.email), follow=True)
    assert "Sam Green is already on the invitee list." in response.content.decode()
    assert event.invitations.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"full_name": ""}, "full_name", "Enter their full name"),
        ({"job_title": " "}, "job_title", "Enter their job title"),
        ({"email": "not an email"}, "email", "Enter an email address in the correct format, like name@example.org"),
        ({"email": ""}, "email", "Enter their email address"),
        ({"agency": ""}, "agency", "Choose their agency"),
        ({"agency": "abc"}, "agency", "Choose their agency from the list"),
        ({"line_manager_email": "jo at health"}, "line_manager_email",
         "Enter the line manager's email address in the correct format, like name@example.org"),
    ],
)  # fmt: skip
@pytest.mark.django_db
def test_bad_details_for_a_new_person_are_refused_at_the_field(bm_client, event, health, overrides, field, message):
    response = bm_client.post(new_url(event), new_person(health, **overrides))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert response.content.decode().count("govuk-error-summary__title") == 1
    assert not Practitioner.objects.exists()
    assert not event.invitations.exists()


@pytest.mark.django_db
def test_an_agency_of_another_partnership_is_refused(bm_client, event, other_partnership):
    foreign = Agency.objects.create(partnership=other_partnership, name="Eastmere Police")
    response = bm_client.post(new_url(event), new_person(foreign))
    assert response.context["form"].errors["agency"] == ["Choose their agency from the list"]
    assert not Practitioner.objects.exists()


# Removing -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_someone_not_yet_sent_an_invitation_can_be_removed(bm_client, event, sam, business_manager):
    invitation = invite(event, sam)
    response = bm_client.post(remove_url(invitation), follow=True)
    assert response.redirect_chain[-1][0] == detail_url(event)
    assert "Sam Green is removed from the invitee list." in response.content.decode()
    assert not event.invitations.exists()
    entry = AuditEntry.objects.get(action="invitee.removed")
    assert entry.detail["practitioner"] == sam.pk and entry.actor == business_manager


@pytest.mark.parametrize("status", [Invitation.Status.INVITED, Invitation.Status.ACCEPTED, Invitation.Status.DECLINED])
@pytest.mark.django_db
def test_someone_already_sent_an_invitation_cannot_be_removed(bm_client, event, sam, status):
    invitation = invite(event, sam, status)
    response = bm_client.post(remove_url(invitation), follow=True)
    page = response.content.decode()
    assert "Sam Green has already been sent an invitation, so they cannot be removed from the list." in page
    assert event.invitations.count() == 1
    assert not AuditEntry.objects.filter(action="invitee.removed").exists()


@pytest.mark.django_db
def test_removing_needs_a_post_and_the_right_event(bm_client, review, event, sam):
    invitation = invite(event, sam)
    assert bm_client.get(remove_url(invitation)).status_code == 405
    other = make_event(review, title="Second event")
    url = reverse("events:invitee_remove", args=[review.partnership.slug, other.pk, invitation.pk])
    assert bm_client.post(url).status_code == 404
    assert event.invitations.count() == 1


# A cancelled event ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_of_a_cancelled_event_cannot_be_changed(bm_client, review, sam, health):
    event = make_event(review, status=Event.Status.CANCELLED)
    invitation = invite(event, sam)
    for url in (add_url(event), new_url(event)):
        response = bm_client.get(url, follow=True)
        assert "This event has been cancelled, so it cannot be changed." in response.content.decode()
    bm_client.post(add_url(event), {"practitioners": [sam.pk]})
    bm_client.post(new_url(event), new_person(health))
    response = bm_client.post(remove_url(invitation), follow=True)
    assert "This event has been cancelled, so it cannot be changed." in response.content.decode()
    assert event.invitations.count() == 1
    assert not Practitioner.objects.filter(email="alex.morgan@health.example").exists()


# Who may ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_who_may_change_the_invitee_list(client, event, sam, lee, health, reviewer, unassigned_reviewer, outsider):
    invitation = invite(event, sam)
    requests = [
        ("get", add_url(event), None),
        ("post", add_url(event), {"practitioners": [lee.pk]}),
        ("get", new_url(event), None),
        ("post", new_url(event), new_person(health)),
        ("post", remove_url(invitation), {}),
    ]
    for method, url, data in requests:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    for user, status in ((outsider, 404), (unassigned_reviewer, 404), (reviewer, 403)):
        client.force_login(user)
        for method, url, data in requests:
            assert getattr(client, method)(url, data).status_code == status, (user, method, url)
    assert list(event.invitations.all()) == [invitation]
    assert not Practitioner.objects.filter(email="alex.morgan@health.example").exists()
