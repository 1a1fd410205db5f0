"""Reminders to checkers who have not answered before the factual-accuracy deadline."""

from django.db import transaction
from django.utils import timezone

from core.workdays import subtract_working_days
from notifications.services import not_yet_queued
from reports.circulation import AFTER_SIGN_OFF, email_checker
from reports.models import Checker


def reminder_key(checker, deadline):
    return f"reminder:draft:{checker.pk}:{deadline:%Y%m%d}"


def check_reminders(now):
    """Checkers who have not answered, from N working days before the deadline until the deadline day, once each.

    The email points to the link they were sent: rotating it here would close the draft in front of
    anyone who is part way through their comments.
    """
    today = timezone.localdate(now)
    waiting = (
        Checker.objects.waiting()
        .filter(
            token_revoked_at__isnull=True,
            circulation__closed_at__isnull=True,
            circulation__deadline__gte=today,
            circulation__review__sign_off__isnull=True,
        )
        .filter(token_hash__isnull=False)
        .exclude(circulation__review__status__in=AFTER_SIGN_OFF)
        .select_related("circulation__review__partnership", "circulation__version")
    )
    due = {}
    for checker in waiting:
        deadline = checker.circulation.deadline
        days = checker.circulation.review.partnership.rsvp_reminder_working_days
        if days and today >= subtract_working_days(deadline, days):
            due[reminder_key(checker, deadline)] = checker
    for key in not_yet_queued(list(due)):
        email_checker(due[key], "draft_reminder", key=key)
    return len(due)


def run(now=None):
    """One pass of the checkers' reminder sweep, in its own transaction."""
    with transaction.atomic():
        return check_reminders(now or timezone.now())
