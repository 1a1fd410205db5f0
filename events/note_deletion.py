"""Reviewers' private notes are deleted a set number of days after their review is signed off.

A legal hold (reviews.holds) keeps them: while it stands nothing is deleted and nobody is warned;
once it is lifted the same number of days runs again from the day it was lifted.

Each assigned reviewer is told beforehand, once (the outbox key), by a daily sweep over the database.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from core import audit
from events.models import ReviewerNote
from notifications.models import OutboundMessage
from notifications.services import queue_email, render_email
from reviews import holds
from reviews.models import Review

AUTOMATIC = "Convene (automatic note deletion)"


def signed_off_reviews():
    """Reviews that reached sign-off, each with `signed_off_at`: when it last did."""
    return (
        Review.objects.annotate(
            signed_off_at=Max(
                "status_changes__changed_at", filter=Q(status_changes__to_status=Review.Status.SIGNED_OFF)
            )
        )
        .filter(signed_off_at__isnull=False)
        .select_related("partnership")
    )


def deletion_date(review):
    """The day (UK time) its notes are deleted: counted from sign-off, or from the last legal hold's lifting."""
    start = timezone.localdate(review.signed_off_at)
    lifted = holds.last_lifted_on(review)
    if lifted is not None and lifted > start:
        start = lifted
    return start + timedelta(days=review.partnership.notes_deletion_days)


def run(now=None):
    """Warn, then delete: returns (warnings queued, notes deleted)."""
    today = timezone.localdate(now or timezone.now())
    warned = deleted = 0
    reviews = list(signed_off_reviews().filter(Exists(ReviewerNote.objects.filter(review=OuterRef("pk")))))
    held = holds.held_review_ids(reviews)
    for review in reviews:
        if review.pk in held:
            continue
        delete_on = deletion_date(review)
        if today >= delete_on:
            deleted += delete_notes(review)
        elif today >= delete_on - timedelta(days=review.partnership.notes_deletion_warning_days):
            warned += warn_reviewers(review, delete_on)
    return warned, deleted


def delete_notes(review):
    """Delete every note of a signed-off review, with one audit entry that gives only the count; none under a hold."""
    with transaction.atomic():
        Review.objects.select_for_update().filter(pk=review.pk).first()
        if holds.is_held(review):
            return 0
        count, _ = ReviewerNote.objects.filter(review=review).delete()
        if count:
            audit.record(
                "notes.deleted_after_sign_off",
                partnership=review.partnership,
                obj=review,
                actor_label=AUTOMATIC,
                count=count,
            )
    return count


def warning_context(review, reviewer, delete_on):
    """What the warning email (and its sample) is rendered with."""
    return {"review": review, "partnership": review.partnership, "user": reviewer, "delete_on": delete_on}


def warn_reviewers(review, delete_on):
    """Email each assigned reviewer who is still a member; the outbox key makes it once per date."""
    reviewers = review.reviewers.filter(memberships__partnership=review.partnership, is_active=True)
    due = {f"notes-warning:{review.pk}:{reviewer.pk}:{delete_on:%Y%m%d}": reviewer for reviewer in reviewers}
    sent = set(OutboundMessage.objects.filter(idempotency_key__in=due).values_list("idempotency_key", flat=True))
    with transaction.atomic():
        for key, reviewer in due.items():
            if key in sent:
                continue
            context = warning_context(review, reviewer, delete_on)
            subject, text, html = render_email("events/emails/notes_deletion_warning", context)
            queue_email(
                kind="notes_deletion_warning",
                recipient=reviewer.email,
                subject=subject,
                body_text=text,
                body_html=html,
                idempotency_key=key,
                partnership=review.partnership,
                about=review,
            )
    return len(due) - len(sent)
