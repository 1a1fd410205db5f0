"""What the dashboard shows: a fixed handful of queries, however many reviews there are."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from events.models import Event, Invitation
from practitioners.models import NominationRequest
from reviews.models import Review


def summary(user, partnership, now=None):
    now = now or timezone.now()
    reviews = Review.objects.visible_to(user, partnership).open().prefetch_related("reviewers")
    events = (
        Event.objects.visible_to(user, partnership)
        .upcoming(now)
        .select_related("review")
        .annotate(
            accepted=Count("invitations", filter=Q(invitations__status=Invitation.Status.ACCEPTED)),
            awaiting=Count("invitations", filter=Q(invitations__status=Invitation.Status.INVITED)),
            not_sent=Count("invitations", filter=Q(invitations__status=Invitation.Status.NOT_SENT)),
        )
        .order_by("starts_at")
    )
    events = list(events)
    fortnight = now + timedelta(days=14)
    unanswered_requests = (
        NominationRequest.objects.filter(
            review__in=Review.objects.visible_to(user, partnership).open(), completed_at__isnull=True
        )
        .annotate(named=Count("nominations"))
        .filter(named=0)
        .select_related("agency", "review")
        .order_by("deadline")
    )
    return {
        "reviews": reviews,
        "upcoming_events": events,
        "events_this_fortnight": [event for event in events if event.starts_at <= fortnight],
        "events_awaiting_replies": [event for event in events if event.awaiting],
        "agencies_not_nominated": list(unanswered_requests),
    }
