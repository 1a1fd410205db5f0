"""The outbox: a row per email, claimed by one worker, retried with backoff, swept if stuck."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from notifications import services, tasks
from notifications.models import OutboundMessage


def queue(key="k1", **extra):
    return services.queue_email(
        kind="test",
        recipient="someone@agency.example",
        subject="Subject",
        body_text="Body",
        body_html="<p>Body</p>",
        idempotency_key=key,
        **extra,
    )


@pytest.mark.django_db
def test_a_queued_row_is_sent_once_after_commit(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = queue()
        queue()  # the same idempotency key: the same row, no second send
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.SENT and message.attempts == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].alternatives[0][1] == "text/html"
    # Sending the same row again does nothing: it is no longer claimable.
    tasks.send_message(message.pk)
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_nothing_is_queued_when_the_action_rolls_back(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the action failed")
    assert not OutboundMessage.objects.exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_only_one_claim_wins():
    message = queue()
    assert services.claim(message.pk) is not None
    assert services.claim(message.pk) is None
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.SENDING


@pytest.mark.django_db
def test_a_temporary_refusal_is_retried_with_backoff(mailoutbox):
    message = queue()
    refusal = smtplib.SMTPResponseException(451, b"try again later")
    with mock.patch("notifications.services.send", side_effect=refusal):
        wait = services.deliver(message.pk)
    assert wait == 30
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.QUEUED
    assert "451" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=25)
    assert services.deliver(message.pk) is None  # too early: not claimable yet
    assert mailoutbox == []
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        services.deliver(message.pk)
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.SENT and message.attempts == 2
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_permanent_refusal_fails_and_can_be_retried():
    message = queue()
    refusal = smtplib.SMTPRecipientsRefused({"someone@agency.example": (550, b"no such user")})
    with mock.patch("notifications.services.send", side_effect=refusal):
        assert services.deliver(message.pk) is None
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.FAILED
    assert "550" in message.last_error
    assert services.retry_failed(message) is True
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.QUEUED and message.attempts == 0


@pytest.mark.django_db
def test_the_sweep_finds_rows_queued_too_long_or_stuck_in_sending(mailoutbox):
    waiting = queue("waiting")
    stuck = queue("stuck")
    fresh = queue("fresh")
    OutboundMessage.objects.filter(pk=stuck.pk).update(
        state=OutboundMessage.State.SENDING, claimed_at=timezone.now() - timedelta(minutes=11)
    )
    OutboundMessage.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    assert set(services.due_message_ids()) == {waiting.pk, stuck.pk}
    tasks.sweep_outbox()
    states = dict(OutboundMessage.objects.values_list("pk", "state"))
    assert states == {waiting.pk: "sent", stuck.pk: "sent", fresh.pk: "queued"}
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_an_unreachable_broker_leaves_the_row_for_the_sweep(django_capture_on_commit_callbacks):
    broker_down = mock.patch("notifications.tasks.send_message.apply_async", side_effect=ConnectionError("broker down"))
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        message = queue()
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.QUEUED


@pytest.mark.django_db
def test_a_fault_while_making_the_message_is_a_failed_attempt_not_a_stuck_row(mailoutbox):
    message = queue()
    with mock.patch("notifications.services.build_email", side_effect=KeyError("factsheet")):
        assert services.deliver(message.pk) == 30
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.QUEUED and "KeyError" in message.last_error


@pytest.mark.django_db
def test_a_row_whose_worker_died_on_every_attempt_ends_failed():
    message = queue()
    OutboundMessage.objects.filter(pk=message.pk).update(
        state=OutboundMessage.State.SENDING,
        attempts=services.MAX_ATTEMPTS,
        claimed_at=timezone.now() - timedelta(minutes=11),
    )
    assert services.due_message_ids() == []
    tasks.sweep_outbox()
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.FAILED


@pytest.mark.django_db
def test_every_attempt_carries_the_same_message_id():
    message = queue()
    first = services.build_email(message).message()["Message-ID"]
    assert first == services.build_email(message).message()["Message-ID"]
    assert first != services.build_email(queue("other")).message()["Message-ID"]


@pytest.mark.django_db
def test_bodies_are_encrypted_at_rest_and_links_struck_out_once_sent(settings, django_capture_on_commit_callbacks):
    from django.db import connection

    settings.DEMO_MAILBOX = False
    with django_capture_on_commit_callbacks(execute=True):
        message = services.queue_email(
            kind="test",
            recipient="someone@agency.example",
            subject="Subject",
            body_text="Open https://convene.example/invitation/SECRET-TOKEN-123/ to reply",
            idempotency_key="k-secret",
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT body_text FROM notifications_outboundmessage WHERE id = %s", [message.pk])
        stored = cursor.fetchone()[0]
    assert "SECRET-TOKEN" not in stored and "reply" not in stored
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.SENT
    assert message.body_text == "Open https://convene.example/invitation/[redacted]/ to reply"


@pytest.mark.django_db
def test_a_message_its_senders_check_turns_down_is_withdrawn_not_sent(monkeypatch, mailoutbox):
    asked = []
    monkeypatch.setitem(
        services.SEND_CHECKS, "test", lambda message: asked.append(message.pk) or "It no longer applies."
    )
    message = queue()

    assert services.deliver(message.pk) is None

    message.refresh_from_db()
    assert asked == [message.pk]
    assert (message.state, message.last_error, message.sent_at) == ("withdrawn", "It no longer applies.", None)
    assert mailoutbox == []
    # A withdrawn row is never claimed again, and gives up its key so its sender can write it anew.
    assert services.claim(message.pk) is None
    assert message.idempotency_key == f"k1:withdrawn:{message.pk}"
    assert queue().pk != message.pk


@pytest.mark.django_db
def test_a_message_its_check_still_wants_is_sent(monkeypatch, mailoutbox):
    monkeypatch.setitem(services.SEND_CHECKS, "test", lambda message: None)
    message = queue()

    services.deliver(message.pk)

    message.refresh_from_db()
    assert message.state == OutboundMessage.State.SENT
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_withdrawing_leaves_a_message_a_worker_is_sending_to_that_worker():
    waiting, being_sent, sent = queue("a"), queue("b"), queue("c")
    services.claim(being_sent.pk)
    OutboundMessage.objects.filter(pk=sent.pk).update(state="sent", sent_at=timezone.now())

    count = services.withdraw(OutboundMessage.objects.all(), reason="The event was cancelled.")

    assert count == 1
    assert dict(OutboundMessage.objects.values_list("pk", "state")) == {
        waiting.pk: "withdrawn",
        being_sent.pk: "sending",
        sent.pk: "sent",
    }
    assert OutboundMessage.objects.get(pk=waiting.pk).last_error == "The event was cancelled."


@pytest.mark.django_db
def test_the_database_refuses_a_state_it_does_not_know():
    from django.db import IntegrityError

    message = queue()
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk).update(state="dropped")
