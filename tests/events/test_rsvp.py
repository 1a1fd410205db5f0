"""The practitioner's side: a personal link, a reply, a change of mind; and every refusal."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry
from events import invitations
from events.models import Invitation
from notifications.models import OutboundMessage
from tests.events.conftest import invite, make_event, make_practitioners

pytestmark = pytest.mark.django_db


def without_nonce(content):
    return re.sub(rb'nonce="[^"]*"', b"", content)


@pytest.fixture
def link(event, partnership, agency, frozen, django_capture_on_commit_callbacks, mailoutbox):
    invite(event, make_practitioners(partnership, agency, 1)[0])
    with django_capture_on_commit_callbacks(execute=True):
        invitations.send_invitations(event, sent_by=None)
    return re.search(r"https?://[^/]+(/invitation/[^/\s]+/)", mailoutbox[-1].body).group(1)


@pytest.fixture
def practitioner_browser():
    return Client()


def open_invitation(browser, link):
    assert browser.post(link).status_code == 302
    return browser


def reply(browser, **data):
    return browser.post(reverse("invitation:page"), {"attending": "yes"} | data)


def test_opening_the_link_changes_nothing(practitioner_browser, link):
    for method in ("get", "head"):
        response = getattr(practitioner_browser, method)(link)
        assert response.status_code == 200
    assert practitioner_browser.get(reverse("invitation:page")).status_code == 403
    assert not AuditEntry.objects.filter(action="rsvp.recorded").exists()
    assert Invitation.objects.get().status == Invitation.Status.INVITED


def test_the_button_opens_the_invitation_without_the_token_in_the_url(practitioner_browser, link):
    response = practitioner_browser.post(link)
    assert response["Location"] == reverse("invitation:page")
    page = practitioner_browser.get(reverse("invitation:page"))
    assert page.status_code == 200
    assert "Will you attend?" in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"


def test_accepting_then_declining_with_confirmations(
    practitioner_browser, link, mailoutbox, django_capture_on_commit_callbacks
):
    open_invitation(practitioner_browser, link)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = reply(practitioner_browser, access_needs="A hearing loop", line_manager_attending="yes")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.access_needs == "A hearing loop" and invitation.line_manager_attending is True
    assert mailoutbox[-1].subject.startswith("You are attending")
    page = practitioner_browser.get(reverse("invitation:page")).content.decode()
    assert "you will attend" in page
    with django_capture_on_commit_callbacks(execute=True):
        reply(
            practitioner_browser,
            attending="no",
            decline_reason="On leave",
            suggested_colleague_name="Jo Bloggs",
            suggested_colleague_email="Jo.Bloggs@agency.example",
        )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert invitation.access_needs == "" and invitation.suggested_colleague_email == "jo.bloggs@agency.example"
    assert mailoutbox[-1].subject.startswith("You are not attending")
    assert "METHOD:CANCEL" in mailoutbox[-1].attachments[0].get_payload(decode=True).decode()
    assert AuditEntry.objects.filter(action="rsvp.recorded").count() == 2


def test_no_choice_is_a_clear_error(practitioner_browser, link):
    open_invitation(practitioner_browser, link)
    response = practitioner_browser.post(reverse("invitation:page"), {"suggested_colleague_email": "nope"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select yes if you will attend" in page
    assert "govuk-error-summary" in page
    assert Invitation.objects.get().status == Invitation.Status.INVITED


def test_replies_close_after_the_deadline(practitioner_browser, link, frozen):
    frozen.move_to("2026-11-25 09:00")
    open_invitation(practitioner_browser, link)
    response = reply(practitioner_browser)
    assert "Replies have closed" in response.content.decode()
    assert Invitation.objects.get().status == Invitation.Status.INVITED


def test_a_full_event_refuses_another_acceptance(practitioner_browser, link, event):
    event.capacity = 1
    event.save()
    other = Invitation.objects.create(
        event=event,
        practitioner=make_practitioners(
            event.review.partnership, Invitation.objects.get().practitioner.agency, 1, start=9
        )[0],
        status=Invitation.Status.ACCEPTED,
    )
    open_invitation(practitioner_browser, link)
    response = reply(practitioner_browser)
    assert "The event is full" in response.content.decode()
    assert Invitation.objects.exclude(pk=other.pk).get().status == Invitation.Status.INVITED


def test_wrong_revoked_and_other_events_links_get_the_same_page(
    practitioner_browser, link, event, review, django_capture_on_commit_callbacks, mailoutbox
):
    wrong = practitioner_browser.get("/invitation/not-the-right-token/")
    assert wrong.status_code == 404
    invitation = Invitation.objects.get()
    invitations.revoke_link(invitation, revoked_by=None)
    revoked = practitioner_browser.get(link)
    assert revoked.status_code == 404
    assert without_nonce(revoked.content) == without_nonce(wrong.content)
    # A session opened for one invitation does not reach another event's invitation.
    other_event = make_event(review, title="Second event")
    other = invite(other_event, invitation.practitioner, status=Invitation.Status.INVITED)
    with django_capture_on_commit_callbacks(execute=True):
        invitations.resend_link(invitation, sent_by=None)
    new_link = re.search(r"(/invitation/[^/\s]+/)", mailoutbox[-1].body).group(1)
    open_invitation(practitioner_browser, new_link)
    page = practitioner_browser.get(reverse("invitation:page")).content.decode()
    assert "Second event" not in page
    assert other.status == Invitation.Status.INVITED


def test_resending_rotates_the_link(practitioner_browser, link, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitations.resend_link(Invitation.objects.get(), sent_by=None)
    assert practitioner_browser.get(link).status_code == 404
    new_link = re.search(r"(/invitation/[^/\s]+/)", mailoutbox[-1].body).group(1)
    assert practitioner_browser.get(new_link).status_code == 200
    assert AuditEntry.objects.filter(action="invitation.link_rotated").exists()


def test_many_bad_links_from_one_address_are_limited(practitioner_browser, link):
    for n in range(20):
        practitioner_browser.get(f"/invitation/guess-{n}/")
    assert practitioner_browser.get("/invitation/guess-more/").status_code == 429
    # Only bad links count: a working one still opens from the same address.
    assert practitioner_browser.get(link).status_code == 200


def test_asking_for_a_new_link_never_says_whether_the_address_is_known(
    practitioner_browser, link, mailoutbox, django_capture_on_commit_callbacks
):
    known = Invitation.objects.get().practitioner.email
    with django_capture_on_commit_callbacks(execute=True):
        a = practitioner_browser.post(reverse("invitation:new_link"), {"email": known})
        b = practitioner_browser.post(reverse("invitation:new_link"), {"email": "stranger@example.org"})
    assert a.status_code == b.status_code == 200
    assert "Check your email" in a.content.decode() and "Check your email" in b.content.decode()
    assert OutboundMessage.objects.filter(kind="invitation_link", recipient=known).count() == 1
    assert not OutboundMessage.objects.filter(recipient="stranger@example.org").exists()


def test_calendar_and_factsheet_downloads_need_the_invitation(practitioner_browser, link):
    assert practitioner_browser.get(reverse("invitation:calendar")).status_code == 403
    open_invitation(practitioner_browser, link)
    response = practitioner_browser.get(reverse("invitation:calendar"))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"Child A" in response.content
    pdf = practitioner_browser.get(reverse("invitation:factsheet"))
    assert pdf.content.startswith(b"%PDF")


def test_a_rotated_link_closes_the_browser_it_opened(practitioner_browser, link, django_capture_on_commit_callbacks):
    open_invitation(practitioner_browser, link)
    assert practitioner_browser.get(reverse("invitation:page")).status_code == 200
    invitations.resend_link(Invitation.objects.get(), sent_by=None)
    assert practitioner_browser.get(reverse("invitation:page")).status_code == 403


def test_a_stopped_link_cannot_be_reopened_by_asking_for_a_new_one(
    practitioner_browser, link, django_capture_on_commit_callbacks
):
    invitation = Invitation.objects.get()
    invitations.revoke_link(invitation, revoked_by=None)
    with django_capture_on_commit_callbacks(execute=True):
        practitioner_browser.post(reverse("invitation:new_link"), {"email": invitation.practitioner.email})
    assert not OutboundMessage.objects.filter(kind="invitation_link").exists()
    invitation.refresh_from_db()
    assert invitation.token_revoked_at is not None


def test_new_links_for_one_address_are_limited(practitioner_browser, link, django_capture_on_commit_callbacks):
    email = Invitation.objects.get().practitioner.email
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            Client(REMOTE_ADDR=f"10.0.0.{_}").post(reverse("invitation:new_link"), {"email": email})
    assert OutboundMessage.objects.filter(kind="invitation_link").count() == 3


def confirmations():
    return OutboundMessage.objects.filter(kind="rsvp_confirmation").count()


def test_the_same_reply_again_records_nothing_and_sends_nothing(
    practitioner_browser, link, django_capture_on_commit_callbacks
):
    open_invitation(practitioner_browser, link)
    with django_capture_on_commit_callbacks(execute=True):
        reply(practitioner_browser, access_needs="A hearing loop", line_manager_attending="no")
        again = reply(practitioner_browser, access_needs="A hearing loop", line_manager_attending="no")
    assert again.status_code == 302
    assert confirmations() == 1
    assert AuditEntry.objects.filter(action="rsvp.recorded").count() == 1
    page = practitioner_browser.get(reverse("invitation:page")).content.decode()
    assert "Your reply is unchanged." in page


def test_changing_only_the_access_needs_is_saved_and_audited_without_a_second_confirmation(
    practitioner_browser, link, django_capture_on_commit_callbacks
):
    open_invitation(practitioner_browser, link)
    with django_capture_on_commit_callbacks(execute=True):
        reply(practitioner_browser, line_manager_attending="no")
        reply(practitioner_browser, access_needs="Step-free access, please", line_manager_attending="no")
    assert Invitation.objects.get().access_needs == "Step-free access, please"
    assert confirmations() == 1
    changes = [e.detail["changed"] for e in AuditEntry.objects.filter(action="rsvp.recorded").order_by("pk")]
    assert changes[-1] == ["access_needs"]
    page = practitioner_browser.get(reverse("invitation:page")).content.decode()
    assert "Your changes are saved" in page
