"""The outbox: every email is a row first, and a Celery worker sends it."""

import hashlib
import json
import logging
import os
import smtplib
import socket
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.utils import formataddr
from functools import cache
from typing import NamedTuple

from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, connection, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.db.models.sql import UpdateQuery
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import timezone

from core import audit, stamps
from core.logging import redact
from notifications.mime import OutboxEmail, parts_shared
from notifications.models import MAX_ATTEMPTS, OutboundMessage

logger = logging.getLogger(__name__)


def backoff(attempts):
    """Seconds to wait before the next try: 30 s, 1 min, 2 min, 4 min, ... capped at an hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


@cache
def _text_engine():
    """The project's templates, without HTML escaping, for subjects and plain-text bodies."""
    return Engine(
        dirs=[str(settings.BASE_DIR / "templates")],
        autoescape=False,
        builtins=settings.TEMPLATES[0]["OPTIONS"]["builtins"],
    )


def render_email(template, context):
    """Render <template>_subject.txt, <template>.txt and <template>.html, such as "events/emails/invitation"."""
    engine = _text_engine()
    subject = engine.get_template(f"{template}_subject.txt").render(Context(context, autoescape=False))
    text = engine.get_template(f"{template}.txt").render(Context(context, autoescape=False))
    subject = " ".join(subject.split())
    html = render_to_string(f"{template}.html", context)
    return subject, text, html


def moved(*partnership_ids):
    """Emails of these partnerships changed state: pages that show email states are made afresh (core/stamps.py)."""
    stamps.bump(*(f"outbox:{pk}" for pk in partnership_ids if pk))


def _update_and_move(messages, **values):
    """`messages.update(**values)`, then `moved` for their partnerships (asked first: the write may leave the
    rows out of the query). How many were updated."""
    partnerships = set(messages.order_by().values_list("partnership_id", flat=True).distinct())
    updated = messages.update(**values)
    if updated:
        moved(*partnerships)
    return updated


def queue_email(
    *,
    kind,
    recipient,
    subject,
    body_text,
    body_html="",
    idempotency_key,
    partnership=None,
    about=None,
    attachments=(),
):
    """Write one message to the outbox and hand it to a worker once the transaction commits.

    `about` is the object the message is about, which its sender can find it by later. A second call
    with the same idempotency key returns the first row and sends nothing more.
    """
    message, created = OutboundMessage.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "kind": kind,
            "recipient": recipient,
            "subject": subject,
            "body_text": body_text,
            "body_html": body_html,
            "partnership": partnership,
            "about_type": about._meta.label_lower if about is not None else "",
            "about_id": about.pk if about is not None else None,
            "attachments": list(attachments),
            "from_name": partnership.name if partnership else "Convene",
        },
    )
    if created:
        moved(message.partnership_id)
        _send_after_commit()
    return message


def _send_after_commit():
    """Once the transaction commits, hand its new rows to workers: one task per batch, not one per row.

    A transaction that queues 500 invitations publishes ceil(500 / OUTBOX_BATCH_SIZE) tasks, so
    several workers share them; each task claims whatever is due when it runs. Every row registers
    its own on_commit hook (a savepoint rolled back drops its rows' hooks with it); the first hook to
    run publishes for all the rows counted so far, and the others find nothing left to do.
    """
    if not connection.in_atomic_block:
        dispatch()
        return
    pending = getattr(connection, "_outbox_pending", None)
    # Django starts a new list of hooks when a transaction ends, committed or rolled back.
    if pending is None or pending["published"] or pending["hooks"] is not connection.run_on_commit:
        pending = connection._outbox_pending = {"rows": 0, "published": False, "hooks": connection.run_on_commit}
    pending["rows"] += 1
    transaction.on_commit(lambda: _publish(pending))


def _publish(pending):
    if pending["published"]:
        return
    pending["published"] = True
    for _ in range(-(-pending["rows"] // settings.OUTBOX_BATCH_SIZE)):
        dispatch()


# One immediate retry, enough to replace a pooled connection that Redis dropped on a restart. Celery's
# default (three retries, 0.6 s in all) would make a batch of 60 invitations wait half a minute
# while the broker is down, for rows that stay queued for the sweep anyway.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}


def dispatch(message_id=None, *, countdown=None):
    """Ask a worker to send a batch of due rows (or one row); if the broker is down the sweep finds them later."""
    from notifications.tasks import send_batch, send_message

    task, args = (send_batch, ()) if message_id is None else (send_message, (message_id,))
    try:
        task.apply_async(args, countdown=countdown, retry_policy=PUBLISH_RETRY)
    except Exception:  # the broker may be unreachable; the rows stay queued for the sweep
        logger.warning("Could not reach the broker to send outbound messages; the sweep will retry")


def lease():
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def worker_name():
    """Who holds a claim, for whoever reads the row: the machine and the process."""
    return f"{socket.gethostname()} pid {os.getpid()}"


def _claimed(now):
    """What a claim writes on a row: sending, by this worker, under a lease from now."""
    return {
        "state": OutboundMessage.State.SENDING,
        "claimed_at": now,
        "claimed_by": worker_name(),
        "lease_expires_at": now + lease(),
    }


def claim(message_id, now=None):
    """Mark a row as being sent by this worker under a lease; the claim's time, or None if it is not queued and due.

    A row another worker is sending is not claimable until the sweep has put it back in the queue,
    which it does only once that worker has stopped renewing its lease.
    """
    now = now or timezone.now()
    # One conditional UPDATE: the database lets only one worker's WHERE match.
    updated = OutboundMessage.objects.filter(
        pk=message_id, state=OutboundMessage.State.QUEUED, next_attempt_at__lte=now + timedelta(seconds=2)
    ).update(**_claimed(now), attempts=F("attempts") + 1)
    return now if updated == 1 else None


def claim_batch(limit=None, now=None):
    """Claim up to `limit` due rows for this worker in one transaction; (their ids, the claim's time).

    Rows another worker holds a lock on are skipped, not waited for (SKIP LOCKED), and the UPDATE
    repeats the conditions, so a row is never in two workers' batches. Attempts are counted as each
    row is tried (`deliver_batch`), not here, so rows a killed worker never reached keep theirs.
    """
    now = now or timezone.now()
    limit = limit or settings.OUTBOX_BATCH_SIZE
    queued = OutboundMessage.objects.filter(
        state=OutboundMessage.State.QUEUED, next_attempt_at__lte=now + timedelta(seconds=2)
    )
    with transaction.atomic():
        rows = list(
            queued.order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", "partnership_id")[:limit]
        )
        if not rows:
            return [], now
        ids = [pk for pk, _ in rows]
        queued.filter(pk__in=ids).update(**_claimed(now))
    moved(*{partnership_id for _, partnership_id in rows})
    return ids, now


@contextmanager
def renewing_lease(claimed):
    """While the block runs, a thread renews the claimed row's lease every third of the lease.

    The thread opens a database connection of its own only if a send outlasts a third of the lease,
    and stops when the block ends or the row is no longer this worker's to send.
    """
    done = threading.Event()
    thread = threading.Thread(
        target=_renew, args=(claimed.filter(state=OutboundMessage.State.SENDING), done), name="outbox-lease"
    )
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def _renew(claimed, done):
    try:
        while not done.wait(settings.OUTBOX_LEASE_SECONDS / 3):
            try:
                if not claimed.update(lease_expires_at=timezone.now() + lease()):
                    return  # the sweep gave the row back to the queue
            except DatabaseError:  # the next renewal may get through; if none does, the lease runs out
                logger.warning("Could not renew the lease on an outbound message", exc_info=True)
    finally:
        connection.close()  # this thread's own connection, if it opened one


def message_id_for(message):
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{settings.MESSAGE_ID_DOMAIN}>"


def build_email(message):
    from_email = formataddr((message.from_name, settings.DEFAULT_FROM_EMAIL)) if message.from_name else None
    email = OutboxEmail(
        subject=message.subject,
        body=message.body_text,
        from_email=from_email,
        to=[message.recipient],
        headers={
            "Auto-Submitted": "auto-generated",
            # The same Message-ID on every attempt, so a receiving server can drop a repeat.
            "Message-ID": message_id_for(message),
        },
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        attach(email, attachment)
    return email


# Attachments made at send time: type -> function(attachment) returning (filename, content, mimetype).
# The app that owns a type registers it (in its AppConfig.ready), so the outbox needs to know no domain.
ATTACHMENT_MAKERS = {}
# What each type of attachment is, in words, for the pages that list a message's attachments.
ATTACHMENT_LABELS = {"calendar": "Calendar file (invite.ics)"}


def attachment_maker(kind, *, label):
    """Register the function that makes attachments of type `kind` when a message is sent, and what it is called."""

    def register(function):
        ATTACHMENT_MAKERS[kind] = function
        ATTACHMENT_LABELS[kind] = label
        return function

    return register


def attach(email, attachment):
    """Make an attachment at send time from what the outbox row says about it."""
    from email.mime.base import MIMEBase

    if attachment["type"] == "calendar":
        part = MIMEBase("text", "calendar", method=attachment["method"], charset="utf-8")
        part.set_payload(attachment["content"].encode(), charset="utf-8")
        part.add_header("Content-Disposition", "attachment", filename=CALENDAR_FILENAME)
        email.attach(part)
    else:
        email.attach(*attachment_file(attachment))


CALENDAR_FILENAME = "invite.ics"


def attachment_file(attachment):
    """(filename, content, mimetype) of one of a message's attachments, made as sending makes it."""
    if attachment["type"] == "calendar":
        return CALENDAR_FILENAME, attachment["content"].encode(), "text/calendar"
    if attachment["type"] in ATTACHMENT_MAKERS:
        return _made(attachment)
    raise ValueError(f"Unknown attachment type {attachment['type']!r}")


# While a batch is being sent: the attachments already made, by what the rows say about them. Every
# invitation of an event carries the same factsheet, so a batch makes it once rather than once a row
# (and encodes it once: notifications.mime). Kept per thread, so a worker pool of threads keeps each
# batch's own.
_batch = threading.local()


def _made(attachment):
    made = getattr(_batch, "attachments", None)
    if made is None:
        return ATTACHMENT_MAKERS[attachment["type"]](attachment)
    key = json.dumps(attachment, sort_keys=True)
    if key not in made:
        made[key] = ATTACHMENT_MAKERS[attachment["type"]](attachment)
    return made[key]


@contextmanager
def attachments_made_once():
    """Within the block, each distinct attachment is made once and reused (one batch: seconds, not longer)."""
    _batch.attachments = {}
    try:
        with parts_shared():
            yield
    finally:
        _batch.attachments = None


def queued_keys(keys):
    """Those of these idempotency keys that the outbox already has."""
    found = OutboundMessage.objects.filter(idempotency_key__in=list(keys)).order_by()
    return set(found.values_list("idempotency_key", flat=True))


def not_yet_queued(keys):
    """The keys (in their order) of messages the outbox does not have yet: for sweeps that send each once."""
    done = queued_keys(keys)
    return [key for key in keys if key not in done]


def is_permanent(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def deliver(message_id):
    """Send one outbox row if it can be claimed. Returns the seconds to wait before a retry, or None."""
    claimed_at = claim(message_id)
    if claimed_at is None:
        return None
    message = OutboundMessage.objects.get(pk=message_id)
    moved(message.partnership_id)
    ours = _held(message_id, claimed_at, message.claimed_by)
    with renewing_lease(ours.rows()):
        outcome, wait = _deliver_claimed(message, ours)
        _record(outcome)
        return wait


def deliver_batch(limit=None, seconds=None):
    """Claim a batch of due rows and send them over this worker's one connection.

    Returns (how many were tried, [(row id, seconds before its retry)], whether more may be due:
    rows it did not reach, or a full batch, which suggests others wait behind it). A batch stops
    taking new rows once it has run for `seconds` (OUTBOX_BATCH_SECONDS), so a slow recipient holds
    back no more than that: the rows it did not reach go back in the queue, untouched, for the next
    task. Each row's outcome is written as soon as it is known, so a killed
    worker can have sent at most one email it did not record. The statement that writes it also
    counts the attempt on the next row (`_record`): one statement a row, not two.
    """
    ids, claimed_at = claim_batch(limit)
    if not ids:
        return 0, [], False
    seconds = settings.OUTBOX_BATCH_SECONDS if seconds is None else seconds
    me = worker_name()
    batch = OutboundMessage.objects.filter(pk__in=ids, claimed_at=claimed_at, claimed_by=me)
    rows = list(OutboundMessage.objects.filter(pk__in=ids).order_by("next_attempt_at", "pk"))
    started = time.monotonic()
    tried, retries, outcome = 0, [], None
    with renewing_lease(batch.filter(state=OutboundMessage.State.SENDING)), attachments_made_once():
        try:
            for message in rows:
                if tried and time.monotonic() - started > seconds:
                    break
                ours = _held(message.pk, claimed_at, me)
                # The attempt is counted as it starts, by the statement that writes the last row's outcome;
                # a row the sweep gave back meanwhile is not ours to send.
                # The outcome is let go only once written: if writing raises, the finally clause writes it
                # again (harmless: the claim pins the row).
                counted = _record(outcome, attempt=ours)
                outcome = None
                if not counted:
                    continue
                message.attempts += 1
                tried += 1
                outcome, wait = _deliver_claimed(message, ours)
                if wait is not None:
                    retries.append((message.pk, wait))
        finally:
            if outcome is not None:  # the last row tried: its outcome alone
                _record(outcome)
    # Rows not reached go back as they were (still due, attempts unchanged).
    left_over = _update_and_move(
        batch.filter(state=OutboundMessage.State.SENDING), state=OutboundMessage.State.QUEUED, lease_expires_at=None
    )
    return tried, retries, bool(left_over) or len(ids) == (limit or settings.OUTBOX_BATCH_SIZE)


_HELD_STATES = (OutboundMessage.State.SENDING, OutboundMessage.State.QUEUED)


class _Held(NamedTuple):
    """A row while this worker's claim on it stands (`_held`)."""

    pk: int
    claimed_at: datetime
    claimed_by: str

    def rows(self):
        """The row as a queryset, while the claim stands."""
        return OutboundMessage.objects.filter(
            pk=self.pk, claimed_at=self.claimed_at, claimed_by=self.claimed_by, state__in=_HELD_STATES
        )


def _held(message_id, claimed_at, claimed_by):
    """The row while this worker's claim on it stands.

    Outcomes are written only while this worker's claim stands. A worker that stalled until the
    sweep put the row back in the queue may still record what happened, but not once another
    worker has claimed it again (a new claimed_at), and never over a row taken off the queue.
    """
    return _Held(message_id, claimed_at, claimed_by)


def _deliver_claimed(message, ours):
    """Send a row this worker holds: (its outcome, for `_record` to write at once; seconds before a retry, or None)."""
    # What "sent" writes is made before the send, so that the acceptance is recorded by the very
    # next statement: a worker that dies between the two sends the email again (the same Message-ID).
    sent = {"state": OutboundMessage.State.SENT, "last_error": "", "lease_expires_at": None}
    if not settings.DEMO_MAILBOX:
        # The recipient has the links now; the outbox keeps no usable copy of them.
        sent |= {"body_text": redact(message.body_text), "body_html": redact(message.body_html)}
    try:
        email = build_email(message)
        # Asked last, so that the message goes only if it still applies just before it goes.
        reason = no_longer_applies(message)
    except Exception as error:  # a fault in making the message (a PDF, an attachment) or in its sender's check
        logger.exception("Could not make outbound message %s", message.pk)
        return _failed_attempt(ours, message, error, permanent=False)
    if reason:
        return (ours, {**_withdrawn(reason), "lease_expires_at": None}, message.partnership_id), None
    try:
        send(email)
    except (smtplib.SMTPException, OSError) as error:
        return _failed_attempt(ours, message, error, permanent=is_permanent(error))
    except Exception as error:  # a fault the backend meets turning it into bytes: never leave it "sending"
        logger.exception("Could not make outbound message %s", message.pk)
        return _failed_attempt(ours, message, error, permanent=False)
    return (ours, {**sent, "sent_at": timezone.now()}, message.partnership_id), None


def _record(outcome, attempt=None):
    """Write a row's outcome, `(held row, values, its partnership)`, and count an attempt on the next held row
    `attempt` (if it is still sending), in one statement; then the pages that show the row's state are made
    afresh (`moved`).

    Returns how many rows the attempt was counted on (none: the row is no longer this worker's).
    The outcome is still written as soon as the server has answered, before the next row is made or
    sent; writing it with the next attempt makes one commit to wait for a row instead of two.
    """
    try:
        return _write(outcome, attempt)
    finally:  # the outcome may be written even when counting the attempt failed
        if outcome is not None:
            moved(outcome[2])


def _write(outcome, attempt):
    statements = []
    if outcome is not None:
        statements.append(_update_held(outcome[0], outcome[1]))
    if attempt is not None:
        statements.append(_count_attempt(attempt))
    if len(statements) == 1:
        return _execute(*statements[0])
    (outcome_sql, outcome_params), (attempt_sql, attempt_params) = statements
    if connection.vendor != "postgresql":
        with transaction.atomic():
            _execute(outcome_sql, outcome_params)
            return _execute(attempt_sql, attempt_params)
    # PostgreSQL runs both UPDATEs as one statement: the outcome in a data-modifying WITH.
    try:
        return _execute(
            f"WITH outcome AS ({outcome_sql} RETURNING 1) {attempt_sql}", (*outcome_params, *attempt_params)
        )
    except DatabaseError:
        # Two rows in one statement can meet another statement locking them the other way round (this
        # worker's lease renewal, the sweep), and PostgreSQL ends one of the two. The outcome must not
        # be lost with it: it is written alone, then the attempt.
        logger.warning("Could not record an outbound message with the next attempt; recording it alone", exc_info=True)
        _execute(outcome_sql, outcome_params)
        return _execute(attempt_sql, attempt_params)


def _execute(sql, params):
    """Run one statement as `update()` runs it; how many rows it changed."""
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# A row's outcome and the next row's attempt are written by UPDATEs of one held row, a few for each
# batch: their SQL is written once for each set of columns, and only the parameters are made for
# each row, as Django makes them (the bodies encrypted). What Django would run instead is
# `held.rows().update(**values)`; tests/notifications/test_outbox.py checks the two agree.


def _update_held(held, values):
    """The SQL and parameters of `held.rows().update(**values)`."""
    if any(hasattr(value, "resolve_expression") for value in values.values()):  # a withdrawal's new key
        query = held.rows().query.chain(UpdateQuery)
        query.add_update_values(values)
        return query.get_compiler(connection.alias).as_sql()
    fields = [OutboundMessage._meta.get_field(name) for name in values]
    params = [field.get_db_prep_save(value, connection) for field, value in zip(fields, values.values(), strict=True)]
    assignments = tuple(f'"{field.column}" = %s' for field in fields)
    return _held_sql(assignments), (*params, *_held_params(held))


def _count_attempt(held):
    """The SQL and parameters that count an attempt on the held row, if it is still sending."""
    return _held_sql(('"attempts" = "attempts" + 1',), sending_only=True), _held_params(held, sending_only=True)


@cache
def _held_sql(assignments, *, sending_only=False):
    """An UPDATE of one held row (only while it is sending, or sending or queued) with these assignments."""
    states = "= %s" if sending_only else "IN (%s, %s)"
    # Only the model's own table and column names are put into the text; every value is a parameter.
    return (
        f'UPDATE "{OutboundMessage._meta.db_table}" SET {", ".join(assignments)} '  # noqa: S608
        f'WHERE "id" = %s AND "claimed_at" = %s AND "claimed_by" = %s AND "state" {states}'
    )


def _held_params(held, *, sending_only=False):
    claimed_at = OutboundMessage._meta.get_field("claimed_at").get_db_prep_value(held.claimed_at, connection)
    states = (OutboundMessage.State.SENDING.value,) if sending_only else tuple(state.value for state in _HELD_STATES)
    return (held.pk, claimed_at, held.claimed_by, *states)


_connection = None


def send(email):
    """Send over one connection kept open for the worker's life, reopened once if the server dropped it."""
    global _connection
    if _connection is None:
        _connection = get_connection()
    for attempt in (1, 2):
        try:
            _connection.open()
            _connection.send_messages([email])
            return
        except smtplib.SMTPServerDisconnected:
            _connection.close()
            if attempt == 2:
                raise


def _failed_attempt(ours, message, error, *, permanent):
    """(The outcome of an attempt that failed, the seconds before a retry or None)."""
    reason = f"{type(error).__name__}: {error}"[:500]
    if permanent or message.attempts >= MAX_ATTEMPTS:
        logger.warning("Outbound message %s failed for good: %s", message.pk, reason)
        failed = {"state": OutboundMessage.State.FAILED, "last_error": reason, "lease_expires_at": None}
        return (ours, failed, message.partnership_id), None
    wait = backoff(message.attempts)
    queued = {
        "state": OutboundMessage.State.QUEUED,
        "last_error": reason,
        "next_attempt_at": timezone.now() + timedelta(seconds=wait),
        "lease_expires_at": None,
    }
    return (ours, queued, message.partnership_id), wait


def fail_exhausted(now=None):
    """Rows whose lease ran out on their last attempt (a worker died each time) are marked failed."""
    return _update_and_move(
        OutboundMessage.objects.lease_expired(now).filter(attempts__gte=MAX_ATTEMPTS),
        state=OutboundMessage.State.FAILED,
        lease_expires_at=None,
        last_error="No worker finished sending it after every attempt.",
    )


def release_expired_claims(now=None):
    """Put rows whose worker stopped renewing its lease back in the queue; their ids, to hand out again."""
    now = now or timezone.now()
    expired = OutboundMessage.objects.lease_expired(now).filter(attempts__lt=MAX_ATTEMPTS)
    ids = list(expired.order_by("lease_expires_at").values_list("pk", flat=True)[:500])
    # The same condition again: a lease renewed since the SELECT keeps its row.
    released = _update_and_move(
        expired.filter(pk__in=ids),
        state=OutboundMessage.State.QUEUED,
        lease_expires_at=None,
        next_attempt_at=now,
        last_error="The worker sending it stopped before it finished.",
    )
    if released:
        logger.warning("Put %s outbound messages back in the queue: their workers stopped renewing the lease", released)
    return ids


def due_message_ids(limit=500):
    return list(OutboundMessage.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


class NotFailed(Exception):
    """Only a failed message can be tried again."""


def retry_failed(message, *, by=None, request=None):
    """Put a failed message back in the queue (the business manager's "Try again"), audited.

    Raises NotFailed, changing nothing, for a message that is not failed (sent, on its way, or
    already put back by someone else a moment ago).
    """
    with transaction.atomic():
        updated = OutboundMessage.objects.filter(pk=message.pk, state=OutboundMessage.State.FAILED).update(
            state=OutboundMessage.State.QUEUED, attempts=0, next_attempt_at=timezone.now(), last_error=""
        )
        moved(message.partnership_id)
        if not updated:
            raise NotFailed(f"The email to {message.recipient} has not failed, so there is nothing to try again.")
        audit.record(
            "email.retried",
            request=request,
            actor=by,
            partnership=message.partnership,
            obj=message,
            kind=message.kind,
            previous_error=message.last_error[:200],
        )
        transaction.on_commit(lambda: dispatch(message.pk))


# Checks made just before sending: kind -> function(message) returning why the message no longer
# applies, or None. The app that writes a kind registers its check (in its AppConfig.ready), so the
# outbox needs to know no domain.
SEND_CHECKS = {}


def register_send_check(kind, check):
    """Have `check(message)` asked just before each message of `kind` is sent; a reason it gives withdraws it."""
    SEND_CHECKS[kind] = check


def no_longer_applies(message):
    """Why the message's sender would no longer send it, or None."""
    check = SEND_CHECKS.get(message.kind)
    return check(message) if check is not None else None


def _withdrawn(reason):
    # A withdrawn message gives up its key, so its sender may write a new one with the same key
    # (a reminder for the event's new time) while the history keeps the withdrawn one.
    return {
        "state": OutboundMessage.State.WITHDRAWN,
        "last_error": reason[:500],
        "idempotency_key": Concat(F("idempotency_key"), Value(":withdrawn:"), Cast("pk", CharField())),
    }


def withdraw(messages, *, reason):
    """Withdraw those of these messages still waiting to be sent, saying why; returns how many.

    Call it in the transaction that makes them wrong. A message a worker is already sending is left
    to that worker, which asks the send check just before sending.
    """
    return _update_and_move(messages.filter(state=OutboundMessage.State.QUEUED), **_withdrawn(reason))


def forget(messages, *, recipient, reason):
    """Take the address, bodies and attachments off these messages; any not yet sent never will be."""
    messages.filter(state__in=[OutboundMessage.State.QUEUED, OutboundMessage.State.SENDING]).update(
        state=OutboundMessage.State.FAILED, last_error=reason
    )
    _update_and_move(messages, recipient=recipient, body_text="", body_html="", attachments=[])
