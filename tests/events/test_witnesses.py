"""Possible witnesses: held back from the invitation, a new link and the confidential summary until the police or
prosecution liaison's agreement is recorded; the business manager sees who and why, and nothing changes."""

import re
from datetime import date, datetime

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry
from events import invitations, summary, witnesses
from events.models import Event, Invitation, PossibleWitness, SummaryReader, SummaryRelease
from notifications import services as outbox
from notifications.models import OutboundMessage
from tests.events.conftest import LONDON, invite
from tests.events.test_summary_release import (
    AVAILABLE,
    accept_and_read,
    link_in,
    people,  # noqa: F401 - the fixture
    reader_browser,
    readers_url,
    release_form,
    release_url,
    released,  # noqa: F401 - the fixture
    version,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.django_db


def witness_url(invitation):
    event = invitation.event
    return reverse("events:invitee_witness", args=[event.review.partnership.slug, event.pk, invitation.pk])


def event_url(event):
    return reverse("events:event_detail", args=[event.review.partnership.slug, event.pk])


def send_url(event):
    return reverse("events:event_send", args=[event.review.partnership.slug, event.pk])


def agreement(day=date(2026, 10, 30)):
    return {
        "action": "agree",
        "liaison_name": "DI Rachel Moss",
        "liaison_organisation": "Northvale Police",
        "agreed_on_0": str(day.day),
        "agreed_on_1": str(day.month),
        "agreed_on_2": str(day.year),
    }


@pytest.fixture
def listed(event, sam, lee):
    return invite(event, sam), invite(event, lee)


def test_the_business_manager_marks_a_possible_witness(frozen, bm_client, business_manager, listed):
    sam_invite, _ = listed
    page = bm_client.get(witness_url(sam_invite)).content.decode()
    assert "Sam Green is not marked as a possible witness." in page

    response = bm_client.post(witness_url(sam_invite), {"action": "mark"}, follow=True)

    page = response.content.decode()
    assert "Sam Green is marked as a possible witness." in page
    assert "Held back: marked as a possible witness on 2 November 2026" in page
    witness = PossibleWitness.objects.get(invitation=sam_invite)
    assert (witness.marked_by, witness.agreed) == (business_manager, False)
    assert AuditEntry.objects.filter(action="invitation.witness_marked", object_id=str(sam_invite.pk)).count() == 1


def test_a_marked_witness_is_not_invited_and_the_page_says_exactly_why(
    frozen, bm_client, business_manager, event, listed, mailoutbox, django_capture_on_commit_callbacks
):
    sam_invite, _ = listed
    witnesses.mark(sam_invite, by=business_manager)
    held_back_link = f'<a class="govuk-link" href="{witness_url(sam_invite)}">Sam Green'

    # The button counts only those it will invite, and names who waits, with a link to their witness page.
    page = bm_client.get(event_url(event)).content.decode()
    assert "Send invitations to 1 person</a>" in page
    assert "1 possible witness is held back until the police or prosecution liaison agrees." in page
    assert held_back_link in page

    with django_capture_on_commit_callbacks(execute=True):
        response = bm_client.post(send_url(event), follow=True)

    page = response.content.decode()
    assert "1 person invited" in page
    # Information, not an error: a notification banner and the inset, each with what to do.
    assert "There is a problem" not in page and "govuk-error-summary" not in page
    assert "Not invited yet: 1 possible witness is held back until the police or prosecution liaison agrees." in page
    assert held_back_link in page and "Send invitations to" not in page
    assert "Held back: possible witness, no agreement recorded" in page
    assert [m.to for m in mailoutbox] == [["lee.patel@health.example"]]
    sam_invite.refresh_from_db()
    assert (sam_invite.status, sam_invite.token_hash, sam_invite.sent_at) == (Invitation.Status.NOT_SENT, None, None)
    assert (
        not OutboundMessage.objects.filter(about_id=sam_invite.pk).exists()
        or not OutboundMessage.objects.filter(recipient="sam.green@police.example").exists()
    )

    # Pressing again (from a page open since) sends nothing more, and still says why.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = bm_client.post(send_url(event), follow=True).content.decode()
    assert "Not invited yet: 1 possible witness is held back" in page and held_back_link in page
    assert "already been invited" not in page
    assert mailoutbox == []


def test_once_the_agreement_is_recorded_they_are_invited(
    frozen, bm_client, business_manager, event, listed, mailoutbox, django_capture_on_commit_callbacks
):
    sam_invite, _ = listed
    witnesses.mark(sam_invite, by=business_manager)

    response = bm_client.post(witness_url(sam_invite), agreement(), follow=True)

    page = response.content.decode()
    assert "agreement is recorded. Sam Green can now be invited." in page
    assert "DI Rachel Moss, Northvale Police" in page and "30 October 2026" in page
    witness = PossibleWitness.objects.get()
    assert (witness.liaison_name, witness.agreed_on, witness.agreement_recorded_by) == (
        "DI Rachel Moss",
        date(2026, 10, 30),
        business_manager,
    )
    entry = AuditEntry.objects.get(action="invitation.witness_agreement_recorded")
    assert "Rachel" not in str(entry.detail)
    # "Change the agreement" starts from the one recorded.
    page = bm_client.get(witness_url(sam_invite)).content.decode()
    assert "Change the agreement" in page
    for name, value in agreement().items():
        if name != "action":
            assert re.search(rf'name="{name}"[^>]*value="{value}"|value="{value}"[^>]*name="{name}"', page), name

    with django_capture_on_commit_callbacks(execute=True):
        bm_client.post(send_url(event))
    assert sorted(m.to[0] for m in mailoutbox) == ["lee.patel@health.example", "sam.green@police.example"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"liaison_name": ""}, "Enter the liaison&#x27;s name"),
        ({"liaison_organisation": ""}, "Enter the liaison&#x27;s organisation"),
        ({"agreed_on_0": "", "agreed_on_1": "", "agreed_on_2": ""}, "Enter the date the liaison agreed"),
        ({"agreed_on_1": "13"}, "The date the liaison agreed must be a real date"),
        ({"agreed_on_2": "2027"}, "The date the liaison agreed must be today or in the past"),
    ],
)
def test_a_bad_agreement_is_explained_and_keeps_what_was_typed(
    frozen, bm_client, business_manager, listed, change, message
):
    sam_invite, _ = listed
    witnesses.mark(sam_invite, by=business_manager)

    response = bm_client.post(witness_url(sam_invite), agreement() | change)

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    # Like every other error message: no full stop at the end.
    assert f"{message}." not in page
    if "liaison_organisation" not in change:
        assert 'value="Northvale Police"' in page
    assert not PossibleWitness.objects.get().agreed
    assert not AuditEntry.objects.filter(action="invitation.witness_agreement_recorded").exists()


def test_a_new_link_is_refused_to_a_witness_marked_after_the_invitation(frozen, business_manager, event, sam):
    sam_invite = invite(event, sam, Invitation.Status.INVITED)
    witnesses.mark(sam_invite, by=business_manager)

    with pytest.raises(invitations.EventError, match="Sam Green is held back from new links"):
        invitations.resend_link(sam_invite, sent_by=business_manager)
    assert Invitation.objects.get(pk=sam_invite.pk).token_hash is None


def test_releasing_the_summary_to_a_marked_witness_is_refused_with_nothing_changed(
    frozen,
    bm_client,
    business_manager,
    event,
    version,  # noqa: F811 - the fixture
    people,  # noqa: F811 - the fixture
    mailoutbox,
):
    witnesses.mark(people["sam"], by=business_manager)
    audit_before = AuditEntry.objects.count()

    response = bm_client.post(release_url(event), release_form(version))

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Sam Green is held back from the summary: marked as a possible witness" in page
    assert not SummaryRelease.objects.exists() and not SummaryReader.objects.exists()
    assert mailoutbox == [] and not OutboundMessage.objects.filter(kind="summary_released").exists()
    assert AuditEntry.objects.count() == audit_before

    witnesses.record_agreement(
        people["sam"],
        liaison_name="DI Rachel Moss",
        liaison_organisation="Northvale Police",
        agreed_on=date(2026, 11, 1),
        by=business_manager,
    )
    assert bm_client.post(release_url(event), release_form(version)).status_code == 302
    assert SummaryRelease.objects.get(event=event).available_from == AVAILABLE
    assert SummaryReader.objects.filter(invitation=people["sam"]).exists()


def test_taking_the_mark_off_lets_them_be_invited(frozen, bm_client, business_manager, event, listed):
    sam_invite, _ = listed
    witnesses.mark(sam_invite, by=business_manager)

    page = bm_client.post(witness_url(sam_invite), {"action": "unmark"}, follow=True).content.decode()

    assert "Sam Green is no longer marked as a possible witness." in page
    assert not PossibleWitness.objects.exists()
    assert AuditEntry.objects.filter(action="invitation.witness_unmarked").count() == 1
    invitations.send_invitations(event, sent_by=business_manager)
    assert Invitation.objects.get(pk=sam_invite.pk).status == Invitation.Status.INVITED


def test_reviewers_get_403_and_outsiders_404(client, reviewer, outsider, listed):
    sam_invite, _ = listed
    for user, status in ((reviewer, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(witness_url(sam_invite)).status_code == status
        assert client.post(witness_url(sam_invite), {"action": "mark"}).status_code == status
    assert not PossibleWitness.objects.exists()


def test_a_cancelled_events_invitee_cannot_be_marked(frozen, bm_client, event, listed):
    sam_invite, _ = listed
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    page = bm_client.post(witness_url(sam_invite), {"action": "mark"}, follow=True).content.decode()
    assert "This event was cancelled" in page
    assert not PossibleWitness.objects.exists()


# Marked after the summary was released --------------------------------------------------------

SAM = "sam.green@police.example"
READER_PAGES = ("invitation:summary_terms", "invitation:summary_read", "invitation:summary_download")


def assert_paused(browser):
    logged = AuditEntry.objects.filter(action__in=["summary.terms_accepted", "summary.viewed", "summary.downloaded"])
    before = logged.count()
    for name in READER_PAGES:
        response = browser.get(reverse(name))
        page = response.content.decode()
        assert response.status_code == 403, name
        assert "Your access to the summary is paused" in page and "What is known" not in page
        assert "witness" not in page.lower()
    assert browser.post(reverse("invitation:summary_terms"), {"agree": "on"}).status_code == 403
    assert logged.count() == before


def test_a_reader_marked_as_a_possible_witness_cannot_read_or_download_until_the_agreement(
    frozen,
    released,  # noqa: F811 - the fixture
    bm_client,
    business_manager,
    event,
    people,  # noqa: F811 - the fixture
):
    browser = reader_browser(frozen, released, SAM)
    assert accept_and_read(browser).status_code == 200

    bm_client.force_login(business_manager)
    page = bm_client.post(witness_url(people["sam"]), {"action": "mark"}, follow=True).content.decode()

    assert "Their access to the summary is paused until the agreement." in page
    assert "Their access is paused until the agreement is recorded" in page
    assert_paused(browser)
    invitation_page = browser.get(reverse("invitation:page")).content.decode()
    assert "Your access to the confidential summary is paused" in invitation_page
    assert "Read the confidential summary" not in invitation_page
    assert "Paused: possible witness, until the liaison's agreement is recorded" in (
        bm_client.get(readers_url(event)).content.decode()
    )

    bm_client.post(witness_url(people["sam"]), agreement())

    assert accept_and_read(browser).status_code == 200
    assert browser.get(reverse("invitation:summary_download")).status_code == 200
    assert "Paused" not in bm_client.get(readers_url(event)).content.decode()


def test_remind_leaves_out_a_paused_witness_and_keeps_their_link(
    frozen,
    released,  # noqa: F811 - the fixture
    bm_client,
    business_manager,
    event,
    people,  # noqa: F811 - the fixture
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    frozen.move_to(datetime(2026, 11, 20, 10, 0, tzinfo=LONDON))
    bm_client.force_login(business_manager)
    witnesses.mark(people["sam"], by=business_manager)
    token_hash = Invitation.objects.get(pk=people["sam"].pk).token_hash
    url = reverse("events:summary_remind", args=[event.review.partnership.slug, event.pk])

    with django_capture_on_commit_callbacks(execute=True):
        page = bm_client.post(url, follow=True).content.decode()

    assert "Reminders are on their way to 1 person." in page
    assert [m.to for m in mailoutbox] == [["lee.patel@health.example"]]
    assert not OutboundMessage.objects.filter(kind="summary_reminder", recipient=SAM).exists()
    assert Invitation.objects.get(pk=people["sam"].pk).token_hash == token_hash
    assert Client().post(reverse("invitation:start", args=[link_in(mailoutbox[0])])).status_code == 302


def test_a_queued_summary_reminder_is_withdrawn_when_the_reader_is_marked(
    frozen,
    released,  # noqa: F811 - the fixture
    business_manager,
    people,  # noqa: F811 - the fixture
    mailoutbox,
):
    frozen.move_to(datetime(2026, 11, 20, 10, 0, tzinfo=LONDON))
    summary.remind_unread(SummaryRelease.objects.get(), reminded_by=business_manager)
    queued = OutboundMessage.objects.get(kind="summary_reminder", recipient=SAM)

    witnesses.mark(people["sam"], by=business_manager)

    queued.refresh_from_db()
    assert (queued.state, queued.last_error) == ("withdrawn", witnesses.HELD_BACK_REMINDER)
    entry = AuditEntry.objects.get(action="invitation.witness_marked")
    assert entry.detail["reminders_withdrawn"] == 1
    outbox.deliver(queued.pk)
    assert SAM not in [m.to[0] for m in mailoutbox]


def test_a_summary_reminder_to_a_witness_is_held_back_just_before_it_is_sent(
    frozen,
    released,  # noqa: F811 - the fixture
    business_manager,
    people,  # noqa: F811 - the fixture
    mailoutbox,
):
    frozen.move_to(datetime(2026, 11, 20, 10, 0, tzinfo=LONDON))
    summary.remind_unread(SummaryRelease.objects.get(), reminded_by=business_manager)
    queued = OutboundMessage.objects.get(kind="summary_reminder", recipient=SAM)
    # Marked by a path that did not withdraw the reminder: the send check still holds it back.
    PossibleWitness.objects.create(invitation=people["sam"])

    outbox.deliver(queued.pk)

    queued.refresh_from_db()
    assert (queued.state, queued.last_error) == ("withdrawn", witnesses.HELD_BACK_REMINDER)
    assert SAM not in [m.to[0] for m in mailoutbox]
