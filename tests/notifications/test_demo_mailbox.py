import pytest
from django.urls import reverse

from notifications.services import queue_email


@pytest.mark.django_db
def test_the_demo_mailbox_exists_only_when_switched_on(client, settings):
    message = queue_email(kind="test", recipient="a@b.example", subject="Hello", body_text="Body", idempotency_key="k")
    settings.DEMO_MAILBOX = False
    assert client.get(reverse("notifications:demo_mailbox")).status_code == 404
    assert client.get(reverse("notifications:demo_message", args=[message.pk])).status_code == 404
    settings.DEMO_MAILBOX = True
    assert "Hello" in client.get(reverse("notifications:demo_mailbox")).content.decode()
    assert "Body" in client.get(reverse("notifications:demo_message", args=[message.pk])).content.decode()


@pytest.mark.django_db
def test_the_demo_mailbox_lists_each_emails_attachments_and_downloads_them(client, settings, review):
    from icalendar import Calendar

    from events.models import Event, Invitation
    from practitioners.models import Agency, Practitioner
    from tests.events.conftest import make_event

    settings.DEMO_MAILBOX = True
    agency = Agency.objects.create(partnership=review.partnership, name="Northvale Police")
    person = Practitioner.objects.create(
        partnership=review.partnership, full_name="Sam Green", job_title="PC", agency=agency, email="sam@police.example"
    )
    event = make_event(review)
    invitation = Invitation.objects.create(event=event, practitioner=person)
    from events.invitations import email_invitee

    message = email_invitee(invitation, "invitation", key="invite", token="a-token", attach_factsheet=True)
    plain = queue_email(kind="test", recipient="a@b.example", subject="No files", body_text="Body", idempotency_key="k")

    mailbox = client.get(reverse("notifications:demo_mailbox")).content.decode()
    calendar_url = reverse("notifications:demo_attachment", args=[message.pk, 1])
    factsheet_url = reverse("notifications:demo_attachment", args=[message.pk, 2])
    assert f'href="{calendar_url}">Calendar file (invite.ics)' in mailbox
    assert f'href="{factsheet_url}">Factsheet (PDF)' in mailbox
    assert mailbox.count("Attachments:") == 1  # the email without any lists none

    page = client.get(reverse("notifications:demo_message", args=[message.pk])).content.decode()
    assert calendar_url in page and factsheet_url in page
    assert reverse("notifications:demo_message_html", args=[message.pk]) in page
    # In the demo the plain text's link can be followed, as the recipient would.
    assert '<a href="http' in page and "/invitation/a-token/" in page

    calendar = client.get(calendar_url)
    assert (
        calendar["Content-Type"].startswith("text/calendar")
        and 'filename="invite.ics"' in calendar["Content-Disposition"]
    )
    assert str(Calendar.from_ical(calendar.content).walk("VEVENT")[0]["UID"]) == f"{event.uid}@convene"
    factsheet = client.get(factsheet_url)
    assert factsheet["Content-Type"] == "application/pdf" and factsheet.content.startswith(b"%PDF")
    assert client.get(reverse("notifications:demo_attachment", args=[message.pk, 3])).status_code == 404
    assert client.get(reverse("notifications:demo_attachment", args=[plain.pk, 1])).status_code == 404
    html = client.get(reverse("notifications:demo_message_html", args=[message.pk]))
    assert html["Content-Security-Policy"].startswith("sandbox;")
    assert client.get(reverse("notifications:demo_message_html", args=[plain.pk])).status_code == 404

    # A factsheet whose event is gone is not found, not an error.
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    Invitation.objects.all().delete()
    Event.objects.all().delete()
    assert client.get(factsheet_url).status_code == 404

    settings.DEMO_MAILBOX = False
    assert client.get(calendar_url).status_code == 404
    assert client.get(reverse("notifications:demo_message_html", args=[message.pk])).status_code == 404
