"""What the overview shows: a fixed handful of queries, however many reviews there are."""

from datetime import timedelta

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from actions.models import Action
from events.models import Event, Invitation
from practitioners.models import NominationRequest
from reports.models import Checker, Circulation
from reviews import clocks
from reviews.models import Review

FINISHED = [Review.Status.PUBLISHED, Review.Status.CLOSED]


def _count(queryset, group):
    """A subquery counting `queryset`'s rows for the outer review (0 when there are none)."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), Value(0))


def reviews_with_progress(user, partnership, now, today):
    """Every review the user sees, open ones first, each with its counts in the same query."""
    review = OuterRef("pk")
    live_events = Event.objects.filter(review=review).exclude(status=Event.Status.CANCELLED)
    open_checkers = Checker.objects.filter(circulation__review=review, circulation__closed_at__isnull=True)
    open_circulation = Circulation.objects.filter(review=review, closed_at__isnull=True).order_by("-started_at")
    return (
        Review.objects.visible_to(user, partnership)
        .annotate(
            finished=Case(When(status__in=FINISHED, then=Value(1)), default=Value(0), output_field=IntegerField()),
            events_held=_count(live_events.filter(ends_at__lt=now), "review"),
            events_to_come=_count(live_events.filter(ends_at__gte=now), "review"),
            replies_outstanding=_count(
                Invitation.objects.filter(
                    event__review=review, event__ends_at__gte=now, status=Invitation.Status.INVITED
                ).exclude(event__status=Event.Status.CANCELLED),
                "event__review",
            ),
            check_deadline=Subquery(open_circulation.values("deadline")[:1]),
            check_asked=_count(open_checkers, "circulation__review"),
            check_responded=_count(open_checkers.filter(responded_at__isnull=False), "circulation__review"),
            actions_overdue=_count(
                Action.objects.overdue(today).filter(recommendation__review=review), "recommendation__review"
            ),
        )
        .prefetch_related("reviewers")
        .order_by("finished", "-created_at")
    )


def summary(user, partnership, now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    reviews = list(reviews_with_progress(user, partnership, now, today))
    review_clocks = []
    for review in reviews:
        review.clocks = clocks.review_clocks(
            review, partnership=partnership, today=today, circulation_deadline=review.check_deadline
        )
        review.pending_clocks = [clock for clock in review.clocks if not clock.done]
        review_clocks.extend(review.pending_clocks)
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
        "open_reviews": [review for review in reviews if not review.finished],
        "clocks_overdue": sorted((c for c in review_clocks if c.is_overdue), key=lambda c: c.due_on),
        "clocks_due_soon": sorted(
            (c for c in review_clocks if c.state == clocks.State.DUE_SOON), key=lambda c: c.due_on
        ),
        "reviews_with_overdue_actions": [review for review in reviews if review.actions_overdue],
        "upcoming_events": events,
        "events_this_fortnight": [event for event in events if event.starts_at <= fortnight],
        "events_awaiting_replies": [event for event in events if event.awaiting],
        "agencies_not_nominated": list(unanswered_requests),
    }
