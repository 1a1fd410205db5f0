"""Check before sending: "Send invitations" shows who gets the email, the email itself and its attachments first."""

import re

import pytest
from django.urls import reverse
from icalendar import Calendar

from core.models import AuditEntry
from events import invitations
from events.models import Invitation
from notifications.models import OutboundMessage
from practitioners.models import Practitioner
from tests.events.conftest import invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(event, sam, lee, partnership, agency, frozen):
    nobody = Practitioner.objects.create(partnership=partnership, full_name="Nia Jones", job_title="GP", agency=agency)
    return [invite(event, sam), invite(event, lee), invite(event, nobody)]


def url(name, event, *args):
    return reverse(f"events:{name}", args=[event.review.partnership.slug, event.pk, *args])


def test_the_check_page_names_who_gets_it_and_who_does_not_and_sends_nothing(bm_client, event, waiting):
    response = bm_client.get(url("event_send", event))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Check the invitations before you send them" in page
    # Two with an email address, one from each agency; the one without is named.
    assert "2 people" in page
    assert "Northvale Health Trust" in page and "Northvale Police" in page
    assert "Nia Jones" in page and "They will not get the invitation" in page
    # The email as it arrives: the subject and plain text, the HTML in a frame that can run nothing.
    email = invitations.sending_check(event).email()
    assert email["subject"] in page
    assert 'sandbox title="The email' in page and url("event_send_email", event) in page
    assert "Reply to the invitation" not in page  # the HTML is not in the page itself
    assert invitations.link_url(invitations.PREVIEW_LINK) in page
    assert url("event_send_attachment", event, 1) in page and url("event_send_attachment", event, 2) in page
    # Nothing was sent or changed by looking.
    assert not OutboundMessage.objects.exists()
    assert not Invitation.objects.exclude(status=Invitation.Status.NOT_SENT).exists()
    assert not AuditEntry.objects.filter(action="invitations.sent").exists()


def test_the_email_shown_is_the_email_sent(bm_client, event, waiting, mailoutbox, django_capture_on_commit_callbacks):
    shown = invitations.sending_check(event)
    example = shown.example.practitioner
    preview = shown.email()
    with django_capture_on_commit_callbacks(execute=True):
        bm_client.post(url("event_send", event))
    sent = OutboundMessage.objects.get(recipient=example.email)
    token_link = invitations.link_url(invitations.PREVIEW_LINK)
    real_link = next(word for word in sent.body_text.split() if "/invitation/" in word)
    assert sent.subject == preview["subject"]
    assert sent.body_text == preview["body_text"].replace(token_link, real_link)
    assert sent.body_html == preview["body_html"].replace(token_link, real_link)
    assert [a["type"] for a in sent.attachments] == [a["type"] for a in preview["attachments"]]


def test_the_html_is_served_to_be_framed_by_the_product_only_and_run_nothing(bm_client, event, waiting):
    response = bm_client.get(url("event_send_email", event))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox;") and "default-src 'none'" in policy and "frame-ancestors 'self'" in policy
    assert "script-src" not in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "Reply to the invitation" in response.content.decode()


def test_the_attachments_open_as_the_files_that_are_attached(bm_client, event, waiting):
    calendar = bm_client.get(url("event_send_attachment", event, 1))
    assert calendar.status_code == 200 and calendar["Content-Type"].startswith("text/calendar")
    assert 'filename="invite.ics"' in calendar["Content-Disposition"]
    entry = Calendar.from_ical(calendar.content).walk("VEVENT")[0]
    assert str(entry["UID"]) == f"{event.uid}@convene"
    factsheet = bm_client.get(url("event_send_attachment", event, 2))
    assert factsheet.status_code == 200 and factsheet["Content-Type"] == "application/pdf"
    assert factsheet.content.startswith(b"%PDF")
    assert bm_client.get(url("event_send_attachment", event, 3)).status_code == 404


def test_with_nobody_to_invite_the_page_says_so_and_has_no_send_button(bm_client, event, frozen):
    page = bm_client.get(url("event_send", event)).content.decode()
    assert "Nobody on the list is waiting for an invitation" in page
    assert ">Send invitations</button>" not in page
    assert bm_client.get(url("event_send_email", event)).status_code == 404


def test_the_event_page_leads_to_the_check_not_straight_to_sending(bm_client, event, waiting):
    page = bm_client.get(url("event_detail", event)).content.decode()
    button = re.search(r'<a class="govuk-button"[^>]*href="([^"]+)">Send invitations to 3 people</a>', page)
    assert button and button[1] == url("event_send", event)
    assert f'<form method="post" action="{url("event_send", event)}"' not in page


def test_a_reviewer_and_another_partnership_are_refused(client, reviewer, outsider, event, waiting):
    for user, status in ((reviewer, 403), (outsider, 404)):
        client.force_login(user)
        for name, args in (("event_send", ()), ("event_send_email", ()), ("event_send_attachment", (1,))):
            assert client.get(url(name, event, *args)).status_code == status
    assert not OutboundMessage.objects.exists()


def test_a_cancelled_event_has_no_check_page(bm_client, event, waiting):
    event.status = event.Status.CANCELLED
    event.save(update_fields=["status"])
    response = bm_client.get(url("event_send", event), follow=True)
    assert "This event has been cancelled" in response.content.decode()
