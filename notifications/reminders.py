"""The reminder sweep: every reminder comes from the database, each is sent once (its outbox key).

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
from core.workdays import add_working_days, subtract_working_days
from events.invitations import email_invitee
from events.models import Event, Invitation
from notifications.models import OutboundMessage
from practitioners.models import NominationRequest

OPEN_EVENT = (Event.Status.DRAFT, Event.Status.INVITATIONS_SENT)


def _live_link(queryset, now):
    return queryset.filter(token_revoked_at__isnull=True, token_expires_at__gt=now)


def _not_yet(keys):
    """The keys of these reminders that the outbox has not already got."""
    done = set(
        OutboundMessage.objects.filter(idempotency_key__in=keys).order_by().values_list("idempotency_key", flat=True)
    )
    return [key for key in keys if key not in done]


def _working_day_window(setting, date_field, today):
    """Q: `date_field` is within the N working days its partnership's `setting` says; None if all are 0.

    today >= subtract_working_days(date, N) exactly when date <= add_working_days(today, N), so each
    N in use gives one term with its last date. For querysets of a model with a `review`.
    """
    in_use = Partnership.objects.exclude(**{setting: 0}).order_by().values_list(setting, flat=True).distinct()
    terms = [
        Q(**{f"review__partnership__{setting}": days, f"{date_field}__lte": add_working_days(today, days)})
        for days in in_use
    ]
    return reduce(or_, terms) if terms else None


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
    window = _working_day_window("rsvp_reminder_working_days", "rsvp_deadline", today)
    if window is None:
        return 0
    events = Event.objects.filter(status__in=OPEN_EVENT, rsvp_deadline__gte=today, starts_at__gt=now)
    waiting = _live_link(
        Invitation.objects.awaiting_reply().filter(event__in=events.filter(window)), now
    ).select_related("event__review__partnership", "practitioner")
    due = {}
    for invitation in waiting:
        event = invitation.event
        days = event.review.partnership.rsvp_reminder_working_days
        if days and today >= subtract_working_days(event.rsvp_deadline, days):
            due[f"reminder:rsvp:{invitation.pk}:{event.rsvp_deadline:%Y%m%d}"] = invitation
    for key in _not_yet(list(due)):
        email_invitee(due[key], "rsvp_reminder", key=key)
    return len(due)


def event_reminders(now):
    """Those attending: N days before the event, for each N in the partnership's list."""
    today = timezone.localdate(now)
    window = _event_window(today)
    if window is None:
        return 0
    events = Event.objects.filter(status__in=OPEN_EVENT, starts_at__gt=now).filter(window)
    attending = _live_link(Invitation.objects.accepted().filter(event__in=events), now).select_related(
        "event__review__partnership", "practitioner"
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
    for key in _not_yet(list(due)):
        email_invitee(due[key], "event_reminder", key=key)
    return len(due)


def nomination_reminders(now):
    """Agencies that have named nobody, from N working days before the date they were asked for."""
    from practitioners.nominations import remind

    today = timezone.localdate(now)
    window = _working_day_window("nomination_reminder_working_days", "deadline", today)
    if window is None:
        return 0
    waiting = (
        NominationRequest.objects.filter(
            completed_at__isnull=True, nominations__isnull=True, revoked_at__isnull=True, deadline__gte=today
        )
        .filter(window)
        .exclude(review__status__in=["published", "closed"])
        .select_related("review__partnership", "agency")
    )
    due = {}
    for nomination_request in waiting:
        days = nomination_request.review.partnership.nomination_reminder_working_days
        if days and today >= subtract_working_days(nomination_request.deadline, days):
            due[f"reminder:nomination:{nomination_request.pk}:{nomination_request.deadline:%Y%m%d}"] = (
                nomination_request
            )
    for key in _not_yet(list(due)):
        remind(nomination_request=due[key], key=key)
    return len(due)


def run(now=None):
    """One pass of the sweep. Each kind runs in its own transaction so one failure stops only itself."""
    now = now or timezone.now()
    counts = {}
    from actions.reminders import overdue_reminders
    from reports.reminders import check_reminders

    sweeps = (
        ("rsvp", rsvp_reminders),
        ("event", event_reminders),
        ("nomination", nomination_reminders),
        ("factual_accuracy", check_reminders),
        ("overdue_action", overdue_reminders),
    )
    for name, sweep in sweeps:
        with transaction.atomic():
            counts[name] = sweep(now)
    return counts
