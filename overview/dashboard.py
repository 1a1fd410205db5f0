"""What the overview shows: a fixed handful of queries, however many reviews there are.

The overview lists every review of the partnership and every event to come, so each row's links,
dates and names are worked out here, once, rather than by the template for every row.
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Case, Count, Exists, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from actions.models import Action
from core.formatting import day_month, format_when, long_date, uk_date, weekday_day_month
from core.paths import url_maker
from events.models import Event, Invitation
from overview import clocks
from practitioners.models import Nomination, NominationRequest
from reports.circulation import AFTER_SIGN_OFF
from reports.models import Checker, Circulation
from reviews.models import LegalHold, Review

FINISHED = [Review.Status.PUBLISHED, Review.Status.CLOSED]

# What the overview reads of each review: its row and its clocks (see clocks.review_clocks).
REVIEW_COLUMNS = [
    "partnership_id",
    "review_type",
    "reference",
    "pseudonym",
    "status",
    "became_aware_on",
    "incident_notified_on",
    "rapid_review_sent_on",
    "referral_decided_on",
    "commissioned_on",
    "target_completion_on",
    "created_at",
]


def _count(queryset):
    """A subquery counting `queryset`'s rows (COUNT without GROUP BY: one row, 0 when there are none)."""
    return Subquery(
        queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n"), output_field=IntegerField()
    )


def reviews_with_progress(user, partnership, now, today):
    """Every review the user sees, open ones first, each with its counts in the same query."""
    review = OuterRef("pk")
    live_events = Event.objects.filter(review=review).exclude(status=Event.Status.CANCELLED)
    open_checkers = Checker.objects.filter(circulation__review=review, circulation__closed_at__isnull=True)
    open_circulation = Circulation.objects.filter(review=review, closed_at__isnull=True).order_by("-started_at")
    return (
        Review.objects.visible_to(user, partnership)
        .only(*REVIEW_COLUMNS)
        .annotate(
            finished=Case(When(status__in=FINISHED, then=Value(1)), default=Value(0), output_field=IntegerField()),
            events_held=_count(live_events.filter(ends_at__lt=now)),
            events_to_come=_count(live_events.filter(ends_at__gte=now)),
            replies_outstanding=_count(
                # Once a review is signed off, nobody chases replies to its events.
                Invitation.objects.filter(
                    event__review=review, event__ends_at__gte=now, status=Invitation.Status.INVITED
                )
                .exclude(event__status=Event.Status.CANCELLED)
                .exclude(event__review__status__in=AFTER_SIGN_OFF),
            ),
            check_deadline=Subquery(open_circulation.values("deadline")[:1]),
            check_asked=_count(open_checkers),
            check_responded=_count(open_checkers.filter(responded_at__isnull=False)),
            actions_overdue=_count(Action.objects.overdue(today).filter(recommendation__review=review)),
            legally_held=Exists(LegalHold.objects.standing().filter(review=review)),
        )
        .order_by("finished", "-created_at")
    )


def _reviewer_names(reviews):
    """Each review's reviewers, by name: "No reviewer assigned" for a review without one."""
    names = defaultdict(list)
    assigned = (
        Review.reviewers.through.objects.filter(review__in=[review.pk for review in reviews])
        .order_by("user__full_name", "user__email")
        .values_list("review_id", "user__full_name")
    )
    for review_id, name in assigned:
        names[review_id].append(name)
    return {review.pk: ", ".join(names[review.pk]) or "No reviewer assigned" for review in reviews}


def summary(user, partnership, now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    slug = partnership.slug
    review_url, event_url = url_maker("overview:review_detail", slug), url_maker("events:event_detail", slug)
    reviews = list(reviews_with_progress(user, partnership, now, today))
    reviewer_names = _reviewer_names(reviews)
    review_clocks = []
    for review in reviews:
        review.clocks = clocks.review_clocks(
            review, partnership=partnership, today=today, circulation_deadline=review.check_deadline
        )
        review.pending_clocks = [clock for clock in review.clocks if not clock.done]
        review_clocks.extend(review.pending_clocks)
        review.url = review_url(review.pk)
        review.stage = review.get_status_display()
        review.reviewer_names = reviewer_names[review.pk]
        review.check_due = long_date(review.check_deadline) if review.check_deadline else ""
        # Each clock with its state: a recorded one too, so the row shows what is done as well as what is due.
        review.deadlines = [
            (clock.tag_class, clock.tag_text, clock.name if clock.done else f"{clock.name}, {uk_date(clock.due_on)}")
            for clock in review.clocks
        ]
    events = list(
        Event.objects.visible_to(user, partnership)
        .upcoming(now)
        .exclude(review__status__in=AFTER_SIGN_OFF)
        .annotate(
            accepted=Count("invitations", filter=Q(invitations__status=Invitation.Status.ACCEPTED)),
            awaiting=Count("invitations", filter=Q(invitations__status=Invitation.Status.INVITED)),
        )
        .order_by("starts_at")
        .values(
            "pk",
            "title",
            "starts_at",
            "ends_at",
            "rsvp_deadline",
            "capacity",
            "accepted",
            "awaiting",
            "review__reference",
        )
    )
    for event in events:
        starts_on = timezone.localtime(event["starts_at"]).date()
        event["url"] = event_url(event["pk"])
        event["when"] = format_when(event["starts_at"], event["ends_at"])
        event["day"] = weekday_day_month(starts_on)
        event["reply_by"] = day_month(event["rsvp_deadline"])
    fortnight = now + timedelta(days=14)
    unanswered_requests = (
        NominationRequest.objects.filter(
            review__in=Review.objects.visible_to(user, partnership).exclude(status__in=AFTER_SIGN_OFF),
            completed_at__isnull=True,
        )
        .exclude(Exists(Nomination.objects.filter(request=OuterRef("pk"))))
        .order_by("deadline")
        .values("review_id", "deadline", "agency__name", "review__reference")
    )
    nomination_url = url_maker("events:nomination_list", slug)
    agencies_not_nominated = list(unanswered_requests)
    for request in agencies_not_nominated:
        request["url"] = nomination_url(request["review_id"])
        request["due"] = day_month(request["deadline"])
    return {
        "reviews": reviews,
        "open_reviews": [review for review in reviews if not review.finished],
        "clocks_overdue": sorted((c for c in review_clocks if c.is_overdue), key=lambda c: c.due_on),
        "clocks_due_soon": sorted(
            (c for c in review_clocks if c.state == clocks.State.DUE_SOON), key=lambda c: c.due_on
        ),
        "reviews_with_overdue_actions": [review for review in reviews if review.actions_overdue],
        "upcoming_events": events,
        "events_this_fortnight": [event for event in events if event["starts_at"] <= fortnight],
        "events_awaiting_replies": [event for event in events if event["awaiting"]],
        "agencies_not_nominated": agencies_not_nominated,
    }
