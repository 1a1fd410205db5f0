"""Declines lead somewhere: the reason and the suggested colleague on the event page and in the replies CSV, the
colleague invited in one step, or their agency's safeguarding lead asked to nominate someone instead."""

import csv
import io

import pytest
from django.urls import reverse

from core.models import AuditEntry
from events import invitations
from events.models import Invitation
from notifications.models import OutboundMessage
from practitioners.models import Agency, NominationRequest, Practitioner
from tests.events.conftest import invite

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def police(partnership):
    return Agency.objects.create(
        partnership=partnership,
        name="Northvale Police",
        agency_type=Agency.Type.POLICE,
        lead_name="DS Kim Lowe",
        lead_email="kim.lowe@police.example",
    )


@pytest.fixture
def decliner(partnership, police):
    return Practitioner.objects.create(
        partnership=partnership,
        full_name="Sam Green",
        job_title="Detective constable",
        agency=police,
        email="sam.green@police.example",
    )


def decline(event, practitioner, **answer):
    invitation = invite(event, practitioner, Invitation.Status.INVITED)
    answer = {
        "decline_reason": "On a course that week.",
        "suggested_colleague_name": "Ella Wright",
        "suggested_colleague_email": "Ella.Wright@police.example",
    } | answer
    return invitations.record_rsvp(invitation, attending=False, **answer)


def url(name, invitation):
    event = invitation.event
    return reverse(name, args=[event.review.partnership.slug, event.pk, invitation.pk])


def event_page(bm_client, event):
    return bm_client.get(reverse("events:event_detail", args=[event.review.partnership.slug, event.pk]))


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_the_event_page_shows_the_reason_and_the_suggested_colleague(bm_client, event, decliner):
    decline(event, decliner)
    page = event_page(bm_client, event).content.decode()
    assert 'id="declined"' in page
    assert "On a course that week." in page
    assert "Ella Wright" in page and "ella.wright@police.example" in page
    assert "Invite this colleague" in page
    assert "Ask their agency's lead to nominate" in page


def test_a_reviewer_sees_the_declines_but_not_the_buttons(client, reviewer, event, decliner):
    decline(event, decliner)
    client.force_login(reviewer)
    page = client.get(reverse("events:event_detail", args=[event.review.partnership.slug, event.pk])).content.decode()
    assert "On a course that week." in page and "Ella Wright" in page
    assert "Invite this colleague" not in page


def test_the_replies_csv_has_the_reason_and_the_colleague(bm_client, event, decliner):
    decline(event, decliner)
    response = bm_client.get(reverse("events:event_replies_csv", args=[event.review.partnership.slug, event.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["decline_reason"] == "On a course that week."
    assert rows[0]["suggested_colleague_name"] == "Ella Wright"
    assert rows[0]["suggested_colleague_email"] == "ella.wright@police.example"


def test_inviting_the_colleague_adds_them_to_the_directory_and_the_list_in_one_step(
    bm_client, event, decliner, police, business_manager
):
    invitation = decline(event, decliner)
    response = bm_client.post(url("events:invite_colleague", invitation), follow=True)
    colleague = Practitioner.objects.get(email="ella.wright@police.example")
    assert colleague.full_name == "Ella Wright" and colleague.agency == police
    added = Invitation.objects.get(event=event, practitioner=colleague)
    assert added.status == Invitation.Status.NOT_SENT and added.source == Invitation.Source.SUGGESTED
    assert added.added_by == business_manager
    assert "Ella Wright is added to the directory and the invitee list, with Northvale Police." in " ".join(
        messages_of(response)
    )
    entry = AuditEntry.objects.get(action="decline.colleague_invited")
    assert entry.detail["practitioner"] == colleague.pk and entry.detail["new_to_directory"] is True
    page = event_page(bm_client, event).content.decode()
    assert "Colleague on the invitee list" in page


def test_a_colleague_already_in_the_directory_is_reused(bm_client, event, decliner, partnership, police):
    existing = Practitioner.objects.create(
        partnership=partnership,
        full_name="Ella M. Wright",
        job_title="Sergeant",
        agency=police,
        email="ella.wright@police.example",
    )
    invitation = decline(event, decliner)
    bm_client.post(url("events:invite_colleague", invitation))
    assert Practitioner.objects.filter(email="ella.wright@police.example").count() == 1
    existing.refresh_from_db()
    assert existing.full_name == "Ella M. Wright" and existing.job_title == "Sergeant"
    assert Invitation.objects.filter(event=event, practitioner=existing).exists()
    assert AuditEntry.objects.get(action="decline.colleague_invited").detail["new_to_directory"] is False


def test_inviting_twice_adds_nobody_twice(bm_client, event, decliner):
    invitation = decline(event, decliner)
    bm_client.post(url("events:invite_colleague", invitation))
    response = bm_client.post(url("events:invite_colleague", invitation), follow=True)
    assert "Ella Wright is already on the invitee list." in messages_of(response)
    assert Invitation.objects.filter(event=event).count() == 2
    assert AuditEntry.objects.filter(action="decline.colleague_invited").count() == 1


def test_without_an_email_address_the_page_refuses_and_says_why(bm_client, event, decliner):
    invitation = decline(event, decliner, suggested_colleague_email="")
    before = Practitioner.objects.count()
    response = bm_client.post(url("events:invite_colleague", invitation), follow=True)
    assert (
        "Sam Green did not give their colleague's email address, so we cannot invite them. Ask Sam Green for it, "
        "or ask Northvale Police's safeguarding lead to nominate someone instead."
    ) in messages_of(response)
    assert Practitioner.objects.count() == before
    assert Invitation.objects.filter(event=event).count() == 1
    assert not AuditEntry.objects.filter(action="decline.colleague_invited").exists()
    assert "Invite this colleague" not in response.content.decode()


def test_someone_who_has_not_declined_has_no_colleague_to_invite(bm_client, event, decliner):
    invitation = invite(event, decliner, Invitation.Status.INVITED)
    response = bm_client.post(url("events:invite_colleague", invitation), follow=True)
    assert "Sam Green has not said they cannot attend." in messages_of(response)
    assert Invitation.objects.filter(event=event).count() == 1


def test_a_cancelled_event_takes_nobody_new(bm_client, event, decliner):
    invitation = decline(event, decliner)
    event.status = event.Status.CANCELLED
    event.save()
    response = bm_client.post(url("events:invite_colleague", invitation), follow=True)
    assert "This event has been cancelled, so it cannot be changed." in messages_of(response)
    assert not Practitioner.objects.filter(email="ella.wright@police.example").exists()


def test_asking_the_agency_lead_sends_them_a_nomination_link(
    bm_client, event, decliner, police, django_capture_on_commit_callbacks, mailoutbox
):
    invitation = decline(event, decliner)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = bm_client.post(url("events:ask_agency", invitation), follow=True)
    request = NominationRequest.objects.get(review=event.review, agency=police)
    assert request.deadline == event.rsvp_deadline
    assert "We have emailed DS Kim Lowe a link to nominate someone by 24 November 2026." in messages_of(response)
    # The batch sends whatever else is due as well (the decline's confirmation, queued earlier).
    assert [message.to for message in mailoutbox if "name your key staff" in message.subject] == [
        ["kim.lowe@police.example"]
    ]
    assert AuditEntry.objects.get(action="decline.nomination_asked").detail["nomination_request"] == request.pk
    page = response.content.decode()
    assert "Northvale Police's safeguarding lead was asked to nominate on 2 November 2026" in page
    assert "Ask their lead again" in page


def test_asking_again_chases_the_same_request(bm_client, event, decliner, django_capture_on_commit_callbacks):
    invitation = decline(event, decliner)
    with django_capture_on_commit_callbacks(execute=True):
        bm_client.post(url("events:ask_agency", invitation))
        bm_client.post(url("events:ask_agency", invitation))
    request = NominationRequest.objects.get()
    assert request.chase_count == 1
    assert OutboundMessage.objects.filter(kind="nomination_chase").count() == 1


def test_an_agency_without_a_lead_email_is_refused_by_name(bm_client, event, decliner, police):
    police.lead_email = ""
    police.save()
    invitation = decline(event, decliner)
    response = bm_client.post(url("events:ask_agency", invitation), follow=True)
    assert (
        "Northvale Police has no safeguarding lead email address. Add one on the agency's page, then ask again."
        in messages_of(response)
    )
    assert not NominationRequest.objects.exists()
    assert not AuditEntry.objects.filter(action="decline.nomination_asked").exists()


@pytest.mark.parametrize("name", ["events:invite_colleague", "events:ask_agency"])
def test_a_reviewer_is_refused_and_nothing_changes(client, reviewer, event, decliner, name):
    invitation = decline(event, decliner)
    client.force_login(reviewer)
    assert client.post(url(name, invitation)).status_code == 403
    assert client.get(url(name, invitation)).status_code in (403, 405)
    assert Invitation.objects.filter(event=event).count() == 1
    assert not NominationRequest.objects.exists()


@pytest.mark.parametrize("name", ["events:invite_colleague", "events:ask_agency"])
def test_another_partnership_gets_nothing(client, outsider, event, decliner, name):
    invitation = decline(event, decliner)
    client.force_login(outsider)
    assert client.post(url(name, invitation)).status_code == 404
    assert Invitation.objects.filter(event=event).count() == 1


def test_without_a_name_a_colleague_new_to_the_directory_is_refused_by_name(bm_client, event, decliner):
    invitation = decline(event, decliner, suggested_colleague_name="")
    response = bm_client.post(url("events:invite_colleague", invitation), follow=True)
    assert (
        "Sam Green did not give their colleague's name, so we cannot add them to the directory. "
        "Add them as a new person instead."
    ) in messages_of(response)
    assert not Practitioner.objects.filter(email="ella.wright@police.example").exists()
    assert Invitation.objects.filter(event=event).count() == 1
