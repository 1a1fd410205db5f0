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
