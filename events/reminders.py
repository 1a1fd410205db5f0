"""Reminders to invitees: those who have not replied, and those attending. Each comes from the database
and is sent once (its outbox key).

Each query asks the database only for what may be due today (the working-day window is turned into
a last date per setting), so a pass reads a few hundred rows however many invitations there are;
the exact rule is then checked again for each row.
"""

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
from notifications.services import not_yet_queued

OPEN_EVENT = (Event.Status.DRAFT, Event.Status.INVITATIONS_SENT)


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
        .live(now)
        .select_related("event__review__partnership", "practitioner")
    )
    due = {}
    for invitation in waiting:
        event = invitation.event
        days = event.review.partnership.rsvp_reminder_working_days
        if days and today >= subtract_working_days(event.rsvp_deadline, days):
            due[f"reminder:rsvp:{invitation.pk}:{event.rsvp_deadline:%Y%m%d}"] = invitation
    for key in not_yet_queued(list(due)):
        email_invitee(due[key], "rsvp_reminder", key=key)
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
            due[f"reminder:event:{invitation.pk}:{window}:{event.starts_at:%Y%m%d}"] = invitation
    for key in not_yet_queued(list(due)):
        email_invitee(due[key], "event_reminder", key=key)
    return len(due)


def run(now=None):
    """One pass of the invitees' reminder sweep; each kind in its own transaction, so one failure stops only itself."""
    now = now or timezone.now()
    counts = {}
    for name, sweep in (("rsvp", rsvp_reminders), ("event", event_reminders)):
        with transaction.atomic():
            counts[name] = sweep(now)
    return counts
