"""The outbox: a row per email, claimed by one worker, retried with backoff, swept if stuck."""

import re
import smtplib
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from core.crypto import FERNET_PREFIX
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
    services.retry_failed(message)
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.QUEUED and message.attempts == 0
    with pytest.raises(services.NotFailed):
        services.retry_failed(message)


def claimed_by_a_worker(message, *, lease_left, attempts=1):
    """The row as a worker's claim leaves it, its lease running out in lease_left (negative: ran out)."""
    OutboundMessage.objects.filter(pk=message.pk).update(
        state=OutboundMessage.State.SENDING,
        attempts=attempts,
        claimed_at=timezone.now() - timedelta(seconds=30),
        claimed_by="worker-1 pid 4242",
        lease_expires_at=timezone.now() + lease_left,
    )


@pytest.mark.django_db
def test_the_sweep_finds_rows_queued_too_long_or_whose_worker_stopped_renewing_its_lease(mailoutbox):
    waiting = queue("waiting")
    abandoned = queue("abandoned")
    in_hand = queue("in-hand")
    fresh = queue("fresh")
    claimed_by_a_worker(abandoned, lease_left=timedelta(seconds=-1))
    claimed_by_a_worker(in_hand, lease_left=timedelta(seconds=20))
    OutboundMessage.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    assert services.due_message_ids() == [waiting.pk]
    assert list(OutboundMessage.objects.lease_expired()) == [abandoned]
    tasks.sweep_outbox()
    # The batch the sweep starts sends whatever is due, the fresh row with the rest; never one in hand.
    states = dict(OutboundMessage.objects.values_list("pk", "state"))
    assert states == {waiting.pk: "sent", abandoned.pk: "sent", in_hand.pk: "sending", fresh.pk: "sent"}
    assert len(mailoutbox) == 3
    abandoned.refresh_from_db()
    assert abandoned.attempts == 2 and abandoned.lease_expires_at is None and abandoned.last_error == ""


@pytest.mark.django_db
def test_a_claim_carries_a_lease_that_the_sweep_honours_until_it_runs_out(settings):
    settings.OUTBOX_LEASE_SECONDS = 30
    message = queue()
    claimed_at = services.claim(message.pk)
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.SENDING and message.claimed_at == claimed_at
    assert message.lease_expires_at == claimed_at + timedelta(seconds=30)
    assert message.claimed_by == services.worker_name()
    # Another worker given the row while the lease holds cannot take it, and neither can the sweep.
    assert services.claim(message.pk) is None
    with time_machine.travel(claimed_at + timedelta(seconds=29)):
        assert services.release_expired_claims() == []
    with time_machine.travel(claimed_at + timedelta(seconds=31)):
        assert services.release_expired_claims() == [message.pk]
        message.refresh_from_db()
        assert message.state == OutboundMessage.State.QUEUED and message.lease_expires_at is None
        assert message.last_error == "The worker sending it stopped before it finished."
        assert services.claim(message.pk) is not None


@pytest.mark.django_db(transaction=True)
def test_a_long_send_keeps_renewing_its_lease_so_no_one_takes_it_over(settings):
    settings.OUTBOX_LEASE_SECONDS = 3
    # Committed (the renewing thread has a connection of its own), and not handed to a worker.
    message = OutboundMessage.objects.create(
        kind="test", recipient="a@agency.example", subject="S", idempotency_key="k"
    )
    claimed_at = services.claim(message.pk)
    claimed = OutboundMessage.objects.filter(pk=message.pk, claimed_at=claimed_at)
    with services.renewing_lease(claimed):
        # Three and a half seconds is past the first lease: the worker is alive, so the lease moves on.
        time.sleep(3.5)
        assert services.release_expired_claims() == []
    first_renewal = claimed.get().lease_expires_at
    assert first_renewal > claimed_at + timedelta(seconds=3)
    # Once the block ends nothing renews it, and within a lease the sweep may put it back in the queue.
    deadline = time.monotonic() + 3.2
    while not (released := services.release_expired_claims()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert released == [message.pk]


def stall_past_the_lease(message, *, taken_over):
    """A send during which the worker stalls, the sweep puts the row back, and perhaps another worker claims it."""

    def stalled_send(email):
        OutboundMessage.objects.filter(pk=message.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
        assert services.release_expired_claims() == [message.pk]
        if taken_over:
            assert services.claim(message.pk, now=timezone.now() + timedelta(seconds=1)) is not None

    return mock.patch("notifications.services.send", side_effect=stalled_send)


@pytest.mark.django_db
def test_a_stalled_worker_records_its_send_if_no_other_worker_has_claimed_the_row_since():
    message = queue()
    with stall_past_the_lease(message, taken_over=False):
        assert services.deliver(message.pk) is None
    message.refresh_from_db()
    # What the server accepted is recorded, so the task the sweep handed out finds nothing to send.
    assert message.state == OutboundMessage.State.SENT and message.attempts == 1
    assert services.claim(message.pk) is None


@pytest.mark.django_db
def test_a_stalled_worker_leaves_the_row_alone_once_another_worker_has_claimed_it():
    message = queue()
    with stall_past_the_lease(message, taken_over=True):
        assert services.deliver(message.pk) is None
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.SENDING and message.attempts == 2
    assert message.lease_expires_at is not None


@pytest.mark.django_db
def test_a_sending_row_must_have_a_lease():
    message = queue()
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk).update(state=OutboundMessage.State.SENDING)


@pytest.mark.django_db
def test_an_unreachable_broker_leaves_the_row_for_the_sweep(django_capture_on_commit_callbacks):
    broker_down = mock.patch("notifications.tasks.send_batch.apply_async", side_effect=ConnectionError("broker down"))
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
    claimed_by_a_worker(message, lease_left=timedelta(seconds=-1), attempts=services.MAX_ATTEMPTS)
    assert services.due_message_ids() == []
    tasks.sweep_outbox()
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.FAILED and message.lease_expires_at is None


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


def a_check_that_breaks(message):
    raise RuntimeError("the event could not be read")


@pytest.mark.django_db
def test_a_send_check_that_breaks_is_a_failed_attempt_not_a_stuck_row(monkeypatch, mailoutbox, caplog):
    monkeypatch.setitem(services.SEND_CHECKS, "test", a_check_that_breaks)
    message = queue()

    assert services.deliver(message.pk) == 30

    message.refresh_from_db()
    assert message.state == OutboundMessage.State.QUEUED and message.lease_expires_at is None
    assert message.last_error == "RuntimeError: the event could not be read"
    assert mailoutbox == []
    assert f"Could not make outbound message {message.pk}" in caplog.text
    # It is tried again once the wait is over.
    assert timedelta(seconds=25) < message.next_attempt_at - timezone.now() <= timedelta(seconds=30)


@pytest.mark.django_db
def test_a_send_check_that_breaks_on_the_last_attempt_fails_the_message(monkeypatch, mailoutbox):
    monkeypatch.setitem(services.SEND_CHECKS, "test", a_check_that_breaks)
    message = queue()
    OutboundMessage.objects.filter(pk=message.pk).update(attempts=services.MAX_ATTEMPTS - 1)

    assert services.deliver(message.pk) is None

    message.refresh_from_db()
    assert message.state == OutboundMessage.State.FAILED and message.lease_expires_at is None
    assert "RuntimeError" in message.last_error
    assert mailoutbox == []


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


@pytest.mark.django_db
def test_one_transaction_of_many_emails_hands_workers_one_task_per_batch(settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_BATCH_SIZE = 4
    published = []
    with mock.patch("notifications.tasks.send_batch.apply_async", side_effect=lambda *a, **k: published.append(a)):
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(9):
                queue(f"many-{n}")
        assert len(published) == 3  # 9 rows in batches of 4
        with django_capture_on_commit_callbacks(execute=True):
            queue("later")
        assert len(published) == 4  # a later transaction registers its own hook


@pytest.mark.django_db
def test_a_batch_sends_what_is_due_and_gives_back_what_it_did_not_reach(settings, mailoutbox):
    rows = [queue(f"batch-{n}") for n in range(5)]
    tried, retries, more = services.deliver_batch(limit=3)
    assert (tried, retries, more) == (3, [], True)  # a full batch: others may wait behind it
    states = [OutboundMessage.objects.get(pk=row.pk).state for row in rows]
    assert states == ["sent"] * 3 + ["queued"] * 2
    # Out of time after the first: the rest go back untouched, attempts unchanged.
    tried, retries, more = services.deliver_batch(limit=2, seconds=0)
    assert (tried, more) == (1, True)
    last = OutboundMessage.objects.get(pk=rows[-1].pk)
    assert last.state == "queued" and last.attempts == 0 and last.lease_expires_at is None
    # The last row alone: a batch with room to spare, so nothing more is due.
    assert services.deliver_batch(limit=2) == (1, [], False)
    assert len(mailoutbox) == 5


@pytest.mark.django_db
def test_a_batch_never_takes_a_row_another_worker_holds():
    held, free = queue("held"), queue("free")
    claimed_by_a_worker(held, lease_left=timedelta(seconds=20))
    ids, _ = services.claim_batch()
    assert ids == [free.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_batch_skips_a_row_another_worker_is_claiming_rather_than_waiting_for_it():
    with mock.patch("notifications.services.dispatch"):  # no worker: the rows wait for this test's claim
        first, second = queue("locked"), queue("free")
    locked, release = threading.Event(), threading.Event()

    def another_worker():
        with transaction.atomic():
            list(OutboundMessage.objects.select_for_update().filter(pk=first.pk))
            locked.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=another_worker)
    thread.start()
    try:
        assert locked.wait(10)
        ids, _ = services.claim_batch()
    finally:
        release.set()
        thread.join()
    assert ids == [second.pk]


def test_in_a_batch_each_message_is_the_same_bytes_as_on_its_own():
    """A batch shares the factsheet's MIME part between messages and writes short headers without folding them;
    what goes to the server is byte for byte what Django makes of each message on its own."""
    sheet = bytes(range(256)) * 140  # 35 KiB, like a factsheet

    def message(n):
        calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Learning event\r\nEND:VCALENDAR\r\n"
        return OutboundMessage(
            pk=n,
            kind="test",
            idempotency_key=f"same-bytes:{n}",
            recipient=f"person{n}@agency.example",
            from_name="Northvale Children’s Safeguarding Partnership",
            # Long and not ASCII: folded and encoded, as before.
            subject=f"Invitation {n}: practitioner learning event for Child Zoë, a review that runs past one line",
            body_text=f"Dear person {n},\n\nYou are invited.\n",
            body_html=f"<p>Dear person {n},</p><p>You are invited.</p>",
            attachments=[{"type": "calendar", "method": "REQUEST", "content": calendar}, {"type": "sheet"}],
        )

    def as_sent(email):
        # The boundaries are random and the date is the time of making: the same apart from those.
        flat = email.message().as_bytes(linesep="\r\n")
        for number, boundary in enumerate(re.findall(rb'boundary="([^"]+)"', flat)):
            flat = flat.replace(boundary, b"BOUNDARY-%d" % number)
        return re.sub(rb"\r\nDate: [^\r]+", b"", flat)

    maker = lambda attachment: ("Factsheet – CSPR 2026-01.pdf", sheet, "application/pdf")  # noqa: E731
    with mock.patch.dict(services.ATTACHMENT_MAKERS, {"sheet": maker}):
        alone = [as_sent(services.build_email(message(n))) for n in range(3)]
        with services.attachments_made_once():
            in_a_batch = [as_sent(services.build_email(message(n))) for n in range(3)]
    assert in_a_batch == alone
    assert len({len(flat) for flat in alone}) == 1 and b"application/pdf" in alone[0] and b"=?utf-8?" in alone[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and lock_timeout need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_sent_row_is_recorded_even_when_the_next_row_cannot_be_started(monkeypatch, mailoutbox):
    """The statement that records a row's outcome also starts the next row; if the next row is locked
    (by a statement locking the two the other way round, say), the outcome is still recorded."""
    with mock.patch("notifications.services.dispatch"):  # no worker: the rows wait for this test's batch
        first, second = queue("first"), queue("second")
    locked, release = threading.Event(), threading.Event()

    def another_statement():
        with transaction.atomic():
            list(OutboundMessage.objects.select_for_update().filter(pk=second.pk))
            locked.set()
            release.wait(10)
        connection.close()

    def lock_the_next_row_while_the_first_is_sent(message):
        if message.pk == first.pk:
            thread.start()
            assert locked.wait(10)
        return None

    thread = threading.Thread(target=another_statement)
    monkeypatch.setitem(services.SEND_CHECKS, "test", lock_the_next_row_while_the_first_is_sent)
    # Pages showing email states are made afresh once the outcome is written, on this path too.
    first_state_when_moved = []
    moved = services.moved
    monkeypatch.setattr(
        services,
        "moved",
        lambda *ids: (first_state_when_moved.append(OutboundMessage.objects.get(pk=first.pk).state), moved(*ids)),
    )
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")
    try:
        with pytest.raises(DatabaseError):  # the next row stays locked: the batch stops there
            services.deliver_batch()
    finally:
        release.set()
        if thread.is_alive():
            thread.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.attempts) == ("sent", 1)
    assert [email.to for email in mailoutbox] == [["someone@agency.example"]]
    assert "sent" in first_state_when_moved
    # The second was never started: still held by the batch, its attempt not counted, for the sweep.
    assert (second.state, second.attempts) == ("sending", 0)


@pytest.mark.django_db
def test_a_batch_makes_each_distinct_attachment_once(mailoutbox):
    made = []

    def maker(attachment):
        made.append(attachment["n"])
        return f"sheet-{attachment['n']}.pdf", b"%PDF-1.4", "application/pdf"

    with mock.patch.dict(services.ATTACHMENT_MAKERS, {"sheet": maker}):
        for n in range(4):
            queue(f"sheet-{n}", attachments=[{"type": "sheet", "n": n % 2}])
        services.deliver_batch()
        assert sorted(made) == [0, 1]  # two distinct sheets for four emails
        assert [email.attachments[0][0] for email in mailoutbox] == ["sheet-0.pdf", "sheet-1.pdf"] * 2
        # Outside a batch, each email makes its own again.
        queue("sheet-single", attachments=[{"type": "sheet", "n": 0}])
        services.deliver(OutboundMessage.objects.get(idempotency_key="sheet-single").pk)
        assert sorted(made) == [0, 0, 1]


OUTCOMES = {
    "sent": lambda message, held: services._deliver_claimed(message, held)[0],
    "retried": lambda message, held: services._failed_attempt(
        held, message, smtplib.SMTPResponseException(451, b"try again later"), permanent=False
    )[0],
    "failed": lambda message, held: services._failed_attempt(
        held, message, smtplib.SMTPResponseException(550, b"no such mailbox"), permanent=True
    )[0],
    "withdrawn": lambda message, held: (
        held,
        {**services._withdrawn("The event was cancelled"), "lease_expires_at": None},
        message.partnership_id,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", OUTCOMES)
def test_an_outcome_is_written_as_djangos_update_would_write_it(kind, settings):
    """The outcome's UPDATE is written by hand once (`_held_sql`) and filled in for each row: the same as Django's."""
    settings.DEMO_MAILBOX = False
    with time_machine.travel(timezone.now(), tick=False):
        for n in range(4):
            services.queue_email(
                kind="test",
                recipient="someone@agency.example",
                subject="Subject",
                body_text="Your link: https://convene.example/invitation/abcdefghijklmnop\n",
                body_html='<a href="https://convene.example/invitation/abcdefghijklmnop">Reply</a>',
                idempotency_key=f"{kind}-{n}",
            )
        ids, claimed_at = services.claim_batch()
        by_django, by_hand, next_row, someone_elses = (
            services._held(pk, claimed_at, services.worker_name()) for pk in ids
        )
        someone_elses = someone_elses._replace(claimed_at=claimed_at - timedelta(seconds=1))  # an earlier claim
        with mock.patch("notifications.services.send"):
            outcomes = {
                held: OUTCOMES[kind](OutboundMessage.objects.get(pk=held.pk), held)
                for held in (by_django, by_hand, someone_elses)
            }
        assert by_django.rows().update(**outcomes[by_django][1]) == 1
        assert services._record(outcomes[by_hand], attempt=next_row) == 1  # with the next row's attempt
        assert services._record(outcomes[someone_elses]) == 0  # not this worker's claim: nothing written

    def written(held):
        row = OutboundMessage.objects.get(pk=held.pk)
        key = row.idempotency_key.replace(str(row.pk), "<pk>").replace(f"{kind}-{ids.index(row.pk)}", "<key>")
        fields = ("state", "last_error", "body_text", "body_html", "lease_expires_at", "sent_at", "next_attempt_at")
        return key, row.attempts, *(getattr(row, field) for field in fields)

    assert written(by_hand) == written(by_django)
    assert written(by_hand)[2] == {"retried": "queued"}.get(kind, kind)
    if kind == "sent":
        assert "abcdefghijklmnop" not in written(by_hand)[4] + written(by_hand)[5]
    assert written(someone_elses)[2] == "sending"
    # The bodies as stored, not as the field reads them (it would pass plain text through): encrypted.
    stored = OutboundMessage.objects.filter(pk=by_hand.pk).values_list(Cast("body_text", TextField()), flat=True)
    assert stored.get().startswith(FERNET_PREFIX)
    assert OutboundMessage.objects.get(pk=next_row.pk).attempts == 1
    assert services._record(None, attempt=by_hand) == 0  # no longer sending: no attempt counted
