"""Reminders to invitees: those who have not replied, and those attending. Each comes from the database
and is sent once (its outbox key).

Each query asks the database only for what may be due today (the working-day window is turned into
a last date per setting), so a pass reads a few hundred rows however many invitations there are;
the exact rule is then checked again for each row.
"""

import re
from datetime import datetime, time, timedelta
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.models import Partnership
from core.reminders import working_day_window
from core.workdays import subtract_working_days
from events.invitations import email_invitee
from events.models import Event, Invitation
from events.witnesses import HELD_BACK_REMINDER, WITHOUT_AGREEMENT, is_held_back
from notifications.models import OutboundMessage
from notifications.services import not_yet_queued, withdraw

OPEN_EVENT = (Event.Status.DRAFT, Event.Status.INVITATIONS_SENT)

# The kinds of reminder an invitee gets; each is checked again just before it is sent.
RSVP_REMINDER = "rsvp_reminder"
EVENT_REMINDER = "event_reminder"
SUMMARY_REMINDER = "summary_reminder"
REMINDER_KINDS = (RSVP_REMINDER, EVENT_REMINDER, SUMMARY_REMINDER)
# What the invitee's email history says about a reminder that was withdrawn.
CANCELLED = "The event was cancelled, so this reminder was not sent."
MOVED = "The event's date, time or place changed after this reminder was written, so it was not sent."
REPLY_BY_MOVED = "The reply-by date changed after this reminder was written, so it was not sent."
STARTED = "The event had started, so this reminder was not sent."
REPLIED = "The invitee had replied, so this reminder was not sent."
NOT_ATTENDING = "The invitee was no longer attending, so this reminder was not sent."
TAKEN_OFF = "The invitee was taken off the event, so this reminder was not sent."
CALENDAR_SEQUENCE_RE = re.compile(r"^SEQUENCE:(\d+)\r?$", re.MULTILINE)


def _event_window(today):
    """Q: the event starts within the most days before it that its partnership reminds; None if none does."""
    settings_by_horizon = {}
    for text in Partnership.objects.order_by().values_list("event_reminder_days", flat=True).distinct():
        days = Partnership(event_reminder_days=text).event_reminder_day_list()
        if days:
            settings_by_horizon.setdefault(max(days), []).append(text)
    terms = [
        # Its day (in England) is at most `horizon` days away: it starts before the midnight after that day.
        Q(
            review__partnership__event_reminder_days__in=texts,
            starts_at__lt=timezone.make_aware(datetime.combine(today + timedelta(days=horizon + 1), time.min)),
        )
        for horizon, texts in settings_by_horizon.items()
    ]
    return reduce(or_, terms) if terms else None


def rsvp_reminders(now):
    """Invitees who have not replied, from N working days before the reply-by date until it passes."""
    today = timezone.localdate(now)
    window = working_day_window("rsvp_reminder_working_days", "rsvp_deadline", today)
    if window is None:
        return 0
    events = Event.objects.filter(status__in=OPEN_EVENT, rsvp_deadline__gte=today, starts_at__gt=now)
    waiting = (
        Invitation.objects.awaiting_reply()
        .filter(event__in=events.filter(window))
        .exclude(WITHOUT_AGREEMENT)
        .live(now)
        .select_related("event__review__partnership", "practitioner")
    )
    due = {}
    for invitation in waiting:
        event = invitation.event
        days = event.review.partnership.rsvp_reminder_working_days
        if days and today >= subtract_working_days(event.rsvp_deadline, days):
            due[rsvp_key(invitation, event)] = invitation
    for key in not_yet_queued(list(due)):
        email_invitee(due[key], RSVP_REMINDER, key=key)
    return len(due)


def event_reminders(now):
    """Those attending: N days before the event, for each N in the partnership's list."""
    today = timezone.localdate(now)
    window = _event_window(today)
    if window is None:
        return 0
    events = Event.objects.filter(status__in=OPEN_EVENT, starts_at__gt=now).filter(window)
    attending = (
        Invitation.objects.accepted()
        .filter(event__in=events)
        .exclude(WITHOUT_AGREEMENT)
        .live(now)
        .select_related("event__review__partnership", "practitioner")
    )
    due = {}
    for invitation in attending:
        event = invitation.event
        days_left = (timezone.localdate(event.starts_at) - today).days
        # The reminder whose window we are in: the smallest N that is still ahead of or on today.
        windows = [n for n in event.review.partnership.event_reminder_day_list() if n >= days_left]
        if windows:
            window = min(windows)
            due[event_key(invitation, event, window)] = invitation
    for key in not_yet_queued(list(due)):
        email_invitee(due[key], EVENT_REMINDER, key=key)
    return len(due)


def rsvp_key(invitation, event):
    return f"reminder:rsvp:{invitation.pk}:{event.rsvp_deadline:%Y%m%d}"


def event_key(invitation, event, window):
    return f"reminder:event:{invitation.pk}:{window}:{event.starts_at:%Y%m%d}"


def _written_for(message):
    """The date (as in its key) and the calendar sequence the reminder was written for."""
    date_in_key = message.idempotency_key.split(":")[4 if message.kind == EVENT_REMINDER else 3]
    sequence = None
    for attachment in message.attachments:
        if attachment.get("type") != "calendar":
            continue
        if "event_sequence" in attachment:
            sequence = attachment["event_sequence"]
        elif match := CALENDAR_SEQUENCE_RE.search(attachment["content"]):
            # Written before calendar attachments named the event's sequence apart from the invitee's replies.
            sequence = int(match[1])
    return date_in_key, sequence


def reason_to_withdraw(message, now=None):
    """Why a reminder no longer applies to the event and the invitation as they are now, or None.

    The outbox asks just before sending. Each reason is one the sweep would not write the reminder
    for, so a withdrawn reminder is written again only with the event's new details.
    """
    invitation = (
        Invitation.objects.select_related("event").filter(pk=message.about_id).first()
        if message.about_type == Invitation._meta.label_lower
        else None
    )
    if invitation is None:
        return TAKEN_OFF
    event = invitation.event
    if event.is_cancelled:
        return CANCELLED
    if is_held_back(invitation):
        return HELD_BACK_REMINDER
    if message.kind == SUMMARY_REMINDER:
        return None
    if event.status == Event.Status.HELD or event.starts_at <= (now or timezone.now()):
        return STARTED
    date_in_key, sequence = _written_for(message)
    if sequence is not None and sequence != event.sequence:
        return MOVED
    if message.kind == EVENT_REMINDER:
        if date_in_key != f"{event.starts_at:%Y%m%d}":
            return MOVED
        if invitation.status != Invitation.Status.ACCEPTED:
            return NOT_ATTENDING
    elif message.kind == RSVP_REMINDER:
        if date_in_key != f"{event.rsvp_deadline:%Y%m%d}":
            return REPLY_BY_MOVED
        if invitation.status != Invitation.Status.INVITED:
            return REPLIED
    return None


def withdraw_reminders(event, *, kinds, reason):
    """Withdraw the event's reminders of these kinds still waiting to be sent; returns how many.

    Called in the transaction that cancels or moves the event.
    """
    waiting = OutboundMessage.objects.about(Invitation, event.invitations.values("pk")).filter(kind__in=kinds)
    return withdraw(waiting, reason=reason)


def run(now=None):
    """One pass of the invitees' reminder sweep; each kind in its own transaction, so one failure stops only itself."""
    now = now or timezone.now()
    counts = {}
    for name, sweep in (("rsvp", rsvp_reminders), ("event", event_reminders)):
        with transaction.atomic():
            counts[name] = sweep(now)
    return counts
