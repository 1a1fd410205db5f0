"""The reminder sweep: every reminder comes from the database, each is sent once (its outbox key)."""

from django.db import transaction
from django.utils import timezone

from events.invitations import email_invitee
from events.models import Event, Invitation
from notifications.models import OutboundMessage
from practitioners.models import NominationRequest
from reviews.workdays import subtract_working_days

OPEN_EVENT = (Event.Status.DRAFT, Event.Status.INVITATIONS_SENT)


def _live_link(queryset, now):
    return queryset.filter(token_revoked_at__isnull=True, token_expires_at__gt=now)


def _not_yet(keys):
    """The keys of these reminders that the outbox has not already got."""
    done = set(OutboundMessage.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    return [key for key in keys if key not in done]


def rsvp_reminders(now):
    """Invitees who have not replied, from N working days before the reply-by date until it passes."""
    today = timezone.localdate(now)
    waiting = _live_link(
        Invitation.objects.awaiting_reply().filter(
            event__status__in=OPEN_EVENT, event__rsvp_deadline__gte=today, event__starts_at__gt=now
        ),
        now,
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
    attending = _live_link(
        Invitation.objects.accepted().filter(event__status__in=OPEN_EVENT, event__starts_at__gt=now), now
    ).select_related("event__review__partnership", "practitioner")
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
    waiting = (
        NominationRequest.objects.filter(
            completed_at__isnull=True, nominations__isnull=True, revoked_at__isnull=True, deadline__gte=today
        )
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
