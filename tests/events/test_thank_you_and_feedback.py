"""After the event: thank-you emails once each, the attendee's anonymous feedback, and the summary."""

import re
from datetime import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from core import links
from core.models import AuditEntry
from events import invitations
from events.models import Attendance, Event, FeedbackResponse, Invitation
from notifications.models import OutboundMessage
from tests.events.conftest import LONDON, invite, make_practitioners

pytestmark = pytest.mark.django_db

AFTER = datetime(2026, 12, 9, 10, 0, tzinfo=LONDON)
SUPPORT = "Staff can also call the employee assistance line on 0800 000 000."


@pytest.fixture
def after(client, business_manager):
    """The business manager's browser the day after the event."""
    with time_machine.travel(AFTER, tick=False):
        client.force_login(business_manager)
        yield client


@pytest.fixture
def people(event, partnership, sam, lee, health):
    partnership.support_text = SUPPORT
    partnership.save()
    absent = make_practitioners(partnership, health, 1, start=900)[0]
    marks = {"sam": (sam, Attendance.ATTENDED), "lee": (lee, Attendance.WITH_MANAGER), "absent": (absent, "did_not")}
    result = {}
    for name, (person, mark) in marks.items():
        invitation = invite(event, person, Invitation.Status.ACCEPTED)
        invitation.attendance = Attendance.DID_NOT_ATTEND if mark == "did_not" else mark
        token = links.issue(invitation, expires_at=invitations.link_expiry(invitation.event))
        invitation.save()
        invitation.first_token = token
        result[name] = invitation
    Event.objects.filter(pk=event.pk).update(status=Event.Status.HELD)
    return result


def thank_you_url(event):
    return reverse("events:thank_you_send", args=[event.review.partnership.slug, event.pk])


def summary_url(event):
    return reverse("events:feedback_summary", args=[event.review.partnership.slug, event.pk])


def send(client, event, callbacks):
    with callbacks(execute=True):
        return client.post(thank_you_url(event), follow=True)


def link_in(message):
    return re.search(r"https?://[^/]+(/invitation/[^/\s]+/)", message.body).group(1)


def open_link(path):
    browser = Client()
    assert browser.post(path).status_code == 302
    return browser


def answer(browser, **data):
    return browser.post(reverse("invitation:feedback"), {"safe_space": "yes", "felt_heard": "partly"} | data)


# Thank-you emails -----------------------------------------------------------------------------


def test_thank_you_emails_go_once_to_each_attendee(
    after, event, people, mailoutbox, django_capture_on_commit_callbacks
):
    page = send(after, event, django_capture_on_commit_callbacks).content.decode()
    assert "Thank-you emails are on their way to 2 people." in page
    assert sorted(m.to[0] for m in mailoutbox) == ["lee.patel@health.example", "sam.green@police.example"]
    keys = set(OutboundMessage.objects.filter(kind="thank_you").values_list("idempotency_key", flat=True))
    assert keys == {f"thank-you:{people['sam'].pk}", f"thank-you:{people['lee'].pk}"}
    email = next(m for m in mailoutbox if m.to == ["sam.green@police.example"])
    assert email.subject == "Thank you for taking part: practitioner event for review CSPR 2026/01 (Child A)"
    for words in ("support and a debrief", SUPPORT, "factual accuracy", "confidential", "Dear Sam Green"):
        assert words in email.body
    assert "Amelia" not in email.body and "Hart-Smith" not in email.body and not email.attachments
    assert AuditEntry.objects.get(action="thank_you.sent").detail == {
        "count": 2,
        "already_sent": 0,
        "without_email": 0,
    }
    assert AuditEntry.objects.filter(action="invitation.link_rotated").count() == 2

    mailoutbox.clear()
    page = send(after, event, django_capture_on_commit_callbacks).content.decode()
    assert "has already been sent a thank-you email" in page
    assert mailoutbox == []
    assert OutboundMessage.objects.filter(kind="thank_you").count() == 2
    # The second press must not rotate the links again, or the emailed ones would stop working.
    assert AuditEntry.objects.filter(action="invitation.link_rotated").count() == 2


def test_someone_marked_later_gets_theirs_and_nobody_else_again(
    after, event, people, mailoutbox, django_capture_on_commit_callbacks
):
    Invitation.objects.filter(pk=people["lee"].pk).update(attendance="")
    send(after, event, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=people["lee"].pk).update(attendance=Attendance.WITH_MANAGER)
    mailoutbox.clear()
    page = send(after, event, django_capture_on_commit_callbacks).content.decode()
    assert "on their way to 1 person" in page
    assert [m.to for m in mailoutbox] == [["lee.patel@health.example"]]


def test_the_emailed_link_replaces_the_old_one_and_opens_the_feedback(
    after, event, people, mailoutbox, django_capture_on_commit_callbacks
):
    send(after, event, django_capture_on_commit_callbacks)
    email = next(m for m in mailoutbox if m.to == ["sam.green@police.example"])
    old = reverse("invitation:start", args=[people["sam"].first_token])
    assert Client().post(old).status_code == 404
    browser = open_link(link_in(email))
    page = browser.get(reverse("invitation:feedback"))
    assert page.status_code == 200 and "Did you feel heard?" in page.content.decode()


def test_thank_yous_wait_until_the_event_has_happened(
    client, business_manager, event, people, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=LONDON), tick=False):
        client.force_login(business_manager)
        page = send(client, event, django_capture_on_commit_callbacks).content.decode()
    assert "once the event has taken place" in page
    assert mailoutbox == [] and not OutboundMessage.objects.exists()


def test_a_cancelled_event_sends_no_thank_yous(after, event, people, mailoutbox, django_capture_on_commit_callbacks):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    page = send(after, event, django_capture_on_commit_callbacks).content.decode()
    assert "This event was cancelled, so there is nobody to thank." in page
    assert mailoutbox == [] and not OutboundMessage.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("reviewer", 403), ("outsider", 404), ("nobody", 302)], ids=["reviewer", "outsider", "out"]
)
def test_only_the_business_manager_sends_thank_yous(client, request, event, people, who, status):
    with time_machine.travel(AFTER, tick=False):
        if who != "nobody":
            client.force_login(request.getfixturevalue(who))
        assert client.post(thank_you_url(event)).status_code == status
    assert not OutboundMessage.objects.exists()


def test_thank_yous_are_sent_by_post_only(after, event, people):
    assert after.get(thank_you_url(event)).status_code == 405
    assert not OutboundMessage.objects.exists()


# Feedback -------------------------------------------------------------------------------------


def test_an_attendee_gives_feedback_once_and_it_is_not_linked_to_them(after, event, people):
    browser = open_link(reverse("invitation:start", args=[people["lee"].first_token]))
    response = answer(browser, what_would_help="  More time for questions.  ")
    assert response.status_code == 302
    feedback = FeedbackResponse.objects.get()
    assert (feedback.event, feedback.safe_space, feedback.felt_heard) == (event, "yes", "partly")
    assert feedback.what_would_help == "More time for questions."
    assert {f.name for f in FeedbackResponse._meta.get_fields()} == {
        "id",
        "event",
        "safe_space",
        "felt_heard",
        "what_would_help",
        "submitted_on",
    }
    entry = AuditEntry.objects.get(action="feedback.given")
    assert entry.object_id == str(people["lee"].pk) and entry.detail == {}
    assert "Thank you for your feedback" in browser.get(reverse("invitation:feedback")).content.decode()

    again = answer(browser, safe_space="no", felt_heard="no")
    assert again.status_code == 200 and "Thank you for your feedback" in again.content.decode()
    second_browser = open_link(reverse("invitation:start", args=[people["lee"].first_token]))
    answer(second_browser, safe_space="no")
    assert FeedbackResponse.objects.count() == 1
    assert AuditEntry.objects.filter(action="feedback.given").count() == 1


def test_someone_not_marked_as_attending_cannot_give_feedback(after, event, people):
    browser = open_link(reverse("invitation:start", args=[people["absent"].first_token]))
    page = browser.get(reverse("invitation:feedback"))
    assert page.status_code == 403 and "Only people recorded as attending" in page.content.decode()
    assert answer(browser).status_code == 403
    assert not FeedbackResponse.objects.exists()


def test_feedback_on_a_cancelled_event_is_refused(after, event, people):
    browser = open_link(reverse("invitation:start", args=[people["sam"].first_token]))
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    assert answer(browser).status_code == 403
    assert not FeedbackResponse.objects.exists()


def test_a_browser_without_the_link_is_refused(after, event, people):
    assert Client().get(reverse("invitation:feedback")).status_code == 403
    assert answer(Client()).status_code == 403
    assert not FeedbackResponse.objects.exists()


def test_answers_are_checked(after, event, people):
    browser = open_link(reverse("invitation:start", args=[people["sam"].first_token]))
    response = browser.post(reverse("invitation:feedback"), {"safe_space": "maybe", "what_would_help": "x" * 2001})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Select yes, partly or no for whether you felt heard." in page
    assert "2,000 characters or fewer" in page
    assert not FeedbackResponse.objects.exists()


# The summary ----------------------------------------------------------------------------------


def test_the_summary_counts_answers_and_shows_suggestions_without_names(after, event, people):
    FeedbackResponse.objects.create(event=event, safe_space="yes", felt_heard="yes", what_would_help="A quieter room")
    FeedbackResponse.objects.create(event=event, safe_space="yes", felt_heard="no", what_would_help="")
    FeedbackResponse.objects.create(event=event, safe_space="partly", felt_heard="no", what_would_help="Shorter day")
    page = after.get(summary_url(event)).content.decode()
    assert "3 of 2 people who attended gave feedback." in page
    counts = re.findall(r'<th scope="row" class="govuk-table__header">(\w+)</th><td[^>]*>(\d+)</td>', page)
    assert counts == [("Yes", "2"), ("Partly", "1"), ("No", "0"), ("Yes", "1"), ("Partly", "0"), ("No", "2")]
    assert "A quieter room" in page and "Shorter day" in page
    for name in ("Sam Green", "Lee Patel", "Person 0900"):
        assert name not in page


@pytest.mark.parametrize("who", ["reviewer", "outsider", "nobody"])
def test_the_summary_is_for_the_business_manager_only(client, request, event, people, who):
    FeedbackResponse.objects.create(event=event, safe_space="yes", felt_heard="yes", what_would_help="Secret words")
    if who != "nobody":
        client.force_login(request.getfixturevalue(who))
    response = client.get(summary_url(event))
    assert response.status_code == {"reviewer": 403, "outsider": 404, "nobody": 302}[who]
    assert b"Secret words" not in response.content
