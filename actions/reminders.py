"""Reminders for overdue actions, run by the beat's periodic sweep."""

from django.db import transaction
from django.utils import timezone

from actions.models import Action, AgencyLink
from notifications.services import queue_email, queued_keys, render_email
from reviews.models import Review


def weeks_overdue(due_date, today):
    """1 for the first seven days after the due date, 2 for the next seven, and so on."""
    return ((today - due_date).days - 1) // 7 + 1


def overdue_reminders(now):
    """One email per overdue action per week it is overdue, to its lead or else the agency's action owner."""
    today = timezone.localdate(now)
    overdue = (
        Action.objects.overdue(today)
        .exclude(recommendation__review__status=Review.Status.CLOSED)
        .select_related("recommendation__review__partnership", "agency")
    )
    owners = {
        (link.review_id, link.agency_id): link
        for link in AgencyLink.objects.filter(review__in=overdue.values("recommendation__review"))
    }
    due = {}
    for action in overdue:
        review = action.recommendation.review
        owner = owners.get((review.pk, action.agency_id))
        if action.lead_email:
            name, email = action.lead_name, action.lead_email
        elif owner is not None and owner.email:
            name, email = owner.name, owner.email
        else:
            continue
        week = weeks_overdue(action.due_date, today)
        due[f"reminder:action_overdue:{action.pk}:{week}"] = (action, name, email, week)
    sent = queued_keys(due)
    for key, (action, name, email, week) in due.items():
        if key not in sent:
            _email(action, name=name, email=email, weeks=week, key=key)
    return len(due)


def _email(action, *, name, email, weeks, key):
    review = action.recommendation.review
    context = {
        "partnership": review.partnership,
        "review": review,
        "action": action,
        "recommendation": action.recommendation,
        "agency": action.agency,
        "name": name,
        "weeks": weeks,
    }
    subject, text, html = render_email("actions/emails/action_overdue", context)
    queue_email(
        kind="action_overdue",
        recipient=email,
        subject=subject,
        body_text=text,
        body_html=html,
        partnership=review.partnership,
        about=action,
        idempotency_key=key,
    )


def run(now=None):
    """One pass of the overdue actions' reminder sweep, in its own transaction."""
    with transaction.atomic():
        return overdue_reminders(now or timezone.now())
