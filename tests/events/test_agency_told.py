"""The practitioner's own agency: told, only if the practitioner asks, once when they say yes and once after the event,
through the outbox; never anything of the review beyond its pseudonym."""

import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from events import agency as agency_emails_of
from events import invitations, tasks
from events.models import Attendance, Event, Invitation
from notifications.models import OutboundMessage
from practitioners.models import Practitioner
from tests.events.conftest import LONDON, REAL_NAME, invite

pytestmark = pytest.mark.django_db

SUPPORT = "Our practitioner wellbeing line is open on weekdays: 01632 960 555."
# The event in `event` runs on Tuesday 8 December 2026, 10am to 1pm.
AFTER = datetime(2026, 12, 9, 9, 5, tzinfo=LONDON)


@pytest.fixture
def amy(partnership, agency):
    return Practitioner.objects.create(
        partnership=partnership,
        full_name="Amy Clarke",
        job_title="Family support worker",
        agency=agency,
        email="amy.clarke@police.example",
        line_manager_name="Chris Doyle",
        line_manager_email="chris.doyle@police.example",
    )


def open_reply_page(event, practitioner, django_capture_on_commit_callbacks, mailoutbox):
    invite(event, practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        invitations.send_invitations(event, sent_by=None)
    link = re.search(r"https?://[^/]+(/invitation/[^/\s]+/)", mailoutbox[-1].body).group(1)
    browser = Client()
    assert browser.post(link).status_code == 302
    mailoutbox.clear()
    return browser


@pytest.fixture
def amy_browser(frozen, event, amy, partnership, django_capture_on_commit_callbacks, mailoutbox):
    partnership.support_text = SUPPORT
    partnership.save()
    return open_reply_page(event, amy, django_capture_on_commit_callbacks, mailoutbox)


def reply(browser, capture, **data):
    with capture(execute=True):
        return browser.post(reverse("invitation:page"), {"attending": "yes"} | data)


def agency_emails():
    return OutboundMessage.objects.filter(kind__in=["agency_told", "agency_debrief"]).order_by("pk")


def test_the_question_names_who_would_be_told_and_defaults_to_no(amy_browser):
    page = amy_browser.get(reverse("invitation:page")).content.decode()
    # Only one person is emailed, and the question names them.
    assert "Would you like us to tell Chris Doyle, your line manager, that you are taking part?" in page
    assert "your line manager or your agency" not in page.split("tell_agency-hint")[0]
    assert "We would email Chris Doyle, your line manager, at chris.doyle@police.example" in page
    assert re.search(r'id="id_tell_agency_1" name="tell_agency" type="radio" value="no" checked', page)
    assert not re.search(r'value="yes" checked', page.split("id_tell_agency_0")[1].split(">")[0])


def test_without_consent_nobody_at_the_agency_is_emailed(amy_browser, mailoutbox, django_capture_on_commit_callbacks):
    assert reply(amy_browser, django_capture_on_commit_callbacks).status_code == 302

    assert Invitation.objects.get().tell_agency is False
    assert [m.to for m in mailoutbox] == [["amy.clarke@police.example"]]
    assert not agency_emails().exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert agency_emails_of.tell_after_events(AFTER) == 0
    assert not agency_emails().exists()


def test_with_consent_the_line_manager_is_emailed_once_with_the_date_and_support_only(
    amy_browser, mailoutbox, django_capture_on_commit_callbacks
):
    reply(amy_browser, django_capture_on_commit_callbacks, tell_agency="yes")

    invitation = Invitation.objects.get()
    assert invitation.tell_agency is True
    told = [m for m in mailoutbox if m.to == ["chris.doyle@police.example"]]
    assert len(told) == 1
    email = told[0]
    assert email.subject == "Amy Clarke is taking part in a practitioner event on 8 December 2026"
    body = email.body
    assert "Dear Chris Doyle" in body and "as their line manager" in body
    assert "Tuesday 8 December 2026" in body and "known as Child A" in body and SUPPORT in body
    # Written for the line manager: what the event is, and that Amy may want their support before and after.
    assert "What the event is" in body
    assert "Amy Clarke may want your support before the event, and a chance to talk with you afterwards" in body
    assert f'What we tell practitioners who take part about support:\n"{SUPPORT}"' in body
    html = email.alternatives[0][0]
    for text in (email.subject, body, html):
        for secret in ("CSPR 2026/01", REAL_NAME, "Northvale Civic Centre", "High Street", "/invitation/"):
            assert secret not in text
    message = agency_emails().get()
    assert (message.idempotency_key, message.recipient) == (
        agency_emails_of.before_key(invitation),
        "chris.doyle@police.example",
    )

    # Changing other answers, or saying no and yes again, never sends a second one.
    reply(amy_browser, django_capture_on_commit_callbacks, tell_agency="yes", access_needs="A quiet room")
    reply(amy_browser, django_capture_on_commit_callbacks, tell_agency="no")
    assert Invitation.objects.get().tell_agency is False
    reply(amy_browser, django_capture_on_commit_callbacks, tell_agency="yes")
    assert agency_emails().count() == 1
    assert len([m for m in mailoutbox if m.to == ["chris.doyle@police.example"]]) == 1


def test_without_a_line_manager_the_agency_safeguarding_lead_is_told(
    frozen, event, partnership, agency, django_capture_on_commit_callbacks, mailoutbox
):
    agency.lead_name, agency.lead_email = "Jo Kent", "jo.kent@police.example"
    agency.save()
    pat = Practitioner.objects.create(
        partnership=partnership, full_name="Pat Lowe", job_title="PCSO", agency=agency, email="pat.lowe@police.example"
    )
    browser = open_reply_page(event, pat, django_capture_on_commit_callbacks, mailoutbox)
    page = browser.get(reverse("invitation:page")).content.decode()
    assert "We would email Jo Kent, your agency&#x27;s safeguarding lead, at jo.kent@police.example" in page
    assert "Would you like us to tell Jo Kent, your agency&#x27;s safeguarding lead, that you are taking part?" in page

    response = reply(browser, django_capture_on_commit_callbacks, tell_agency="yes")

    assert [m.to for m in mailoutbox if m.to != ["pat.lowe@police.example"]] == [["jo.kent@police.example"]]
    lead_email = next(m for m in mailoutbox if m.to == ["jo.kent@police.example"])
    assert "Dear Jo Kent" in lead_email.body and "as their safeguarding lead" in lead_email.body
    # Pat is told who was told: on the page and in the confirmation email.
    told = "We have told Jo Kent, your agency's safeguarding lead, that you are taking part."
    assert told.replace("'", "&#x27;") in browser.get(response["Location"]).content.decode()
    confirmation = next(m for m in mailoutbox if m.to == ["pat.lowe@police.example"])
    assert told in confirmation.body and told.replace("'", "&#x27;") in confirmation.alternatives[0][0]


def test_with_nobody_on_record_the_page_says_so_and_nothing_is_sent(
    frozen, event, partnership, agency, django_capture_on_commit_callbacks, mailoutbox
):
    kim = Practitioner.objects.create(
        partnership=partnership, full_name="Kim Ray", job_title="GP", agency=agency, email="kim.ray@police.example"
    )
    browser = open_reply_page(event, kim, django_capture_on_commit_callbacks, mailoutbox)
    page = browser.get(reverse("invitation:page")).content.decode()
    assert "We do not have an email address for your line manager" in page

    reply(browser, django_capture_on_commit_callbacks, tell_agency="yes")

    assert not agency_emails().exists()


def test_declining_takes_the_consent_away(amy_browser, django_capture_on_commit_callbacks):
    reply(amy_browser, django_capture_on_commit_callbacks, attending="no", tell_agency="yes")

    assert Invitation.objects.get().tell_agency is False
    assert not agency_emails().exists()


def test_after_the_event_the_sweep_sends_the_debrief_pointer_once(
    amy_browser, frozen, event, django_capture_on_commit_callbacks, mailoutbox
):
    reply(amy_browser, django_capture_on_commit_callbacks, tell_agency="yes")
    mailoutbox.clear()

    # Not while the event is still to come or under way.
    frozen.move_to(datetime(2026, 12, 8, 12, 0, tzinfo=LONDON))
    assert agency_emails_of.tell_after_events() == 0

    frozen.move_to(AFTER)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.tell_agencies_after_events.delay()
    assert [m.to for m in mailoutbox] == [["chris.doyle@police.example"]]
    email = mailoutbox[0]
    assert email.subject == "After the practitioner event: a debrief for Amy Clarke"
    assert "debrief" in email.body and "Tuesday 8 December 2026" in email.body and SUPPORT in email.body
    for secret in ("CSPR 2026/01", REAL_NAME, "Northvale Civic Centre"):
        assert secret not in email.subject + email.body
    message = agency_emails().get(kind="agency_debrief")
    assert message.idempotency_key == agency_emails_of.after_key(Invitation.objects.get())

    with django_capture_on_commit_callbacks(execute=True):
        assert agency_emails_of.tell_after_events(AFTER + timedelta(days=1)) == 0
    assert len(mailoutbox) == 1
    assert "tell-agencies-after-events" in settings.CELERY_BEAT_SCHEDULE


def test_no_debrief_email_after_a_cancelled_event_or_when_they_did_not_attend(
    amy_browser, event, django_capture_on_commit_callbacks
):
    reply(amy_browser, django_capture_on_commit_callbacks, tell_agency="yes")
    Invitation.objects.update(attendance=Attendance.DID_NOT_ATTEND)
    assert agency_emails_of.tell_after_events(AFTER) == 0
    Invitation.objects.update(attendance=Attendance.ATTENDED)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    assert agency_emails_of.tell_after_events(AFTER) == 0
    # Long after the event, a sweep that was down does not send it.
    Event.objects.filter(pk=event.pk).update(status=Event.Status.HELD)
    assert agency_emails_of.tell_after_events(AFTER + timedelta(days=30)) == 0
    assert agency_emails_of.tell_after_events(AFTER) == 1
