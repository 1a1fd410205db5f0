"""What the overview shows: a fixed handful of queries, however many reviews there are.

The overview lists every review of the partnership and every event to come, so each row's links,
dates and names are worked out here, once, rather than by the template for every row.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db.models import Case, Count, Exists, Func, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from actions.models import Action
from core.formatting import agree, counted, day_month, format_when, long_date, uk_date, weekday_day_month
from core.paths import url_maker
from events.models import Event, Invitation
from overview import clocks
from practitioners.models import Nomination, NominationRequest
from reports.circulation import AFTER_SIGN_OFF
from reports.models import Checker, Circulation
from reviews.models import LegalHold, Review

FINISHED = [Review.Status.PUBLISHED, Review.Status.CLOSED]
# Events this close are named under "Needs attention".
FORTNIGHT = timedelta(days=14)

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


# What the overview reads of each upcoming event.
EVENT_COLUMNS = [
    "pk",
    "title",
    "starts_at",
    "ends_at",
    "rsvp_deadline",
    "capacity",
    "accepted",
    "online",
    "awaiting",
    "review__reference",
]


def places_words(event):
    """ "3 attending of 30 places", or at a hybrid event "5 attending: 3 of 30 places in the room, 2 online"."""
    if not event["online"]:
        return f"{event['accepted']} attending of {counted(event['capacity'], 'place')}"
    return (
        f"{event['accepted']} attending: {event['in_room']} of {counted(event['capacity'], 'place')} in the room, "
        f"{event['online']} online"
    )


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


def _line(before="", url="", link="", after="", tag_class="", tag_text=""):
    """One "needs attention" line, escaped here once: optional tag, text, a link (or its text alone), text."""
    tag = format_html('<strong class="govuk-tag {}">{}</strong> ', tag_class, tag_text) if tag_class else ""
    if url:
        return format_html('{}{}<a class="govuk-link" href="{}">{}</a>{}', tag, before, url, link, after)
    return format_html("{}{}{}{}", tag, before, link, after)


def _deadlines_cell(deadlines):
    """A row's deadlines, each tagged with its state, one a line: one value for the template, not a loop."""
    if not deadlines:
        return "None to meet"
    return mark_safe(  # noqa: S308 - every part is escaped by format_html
        "<br>".join(
            format_html('<strong class="govuk-tag {}">{}</strong> {}', tag_class, tag_text, deadline)
            for tag_class, tag_text, deadline in deadlines
        )
    )


def _row(review):
    """A review's row of the table, as plain values: the template reads a dict key at a time, no attribute misses."""
    return {
        "url": review.url,
        "reference": review.reference,
        "pseudonym": review.pseudonym,
        "reviewer_names": review.reviewer_names,
        "stage": review.stage,
        "stage_class": "govuk-tag--grey" if review.finished else "govuk-tag--blue",
        "legally_held": review.legally_held,
        "events_held": review.events_held,
        "events_to_come": review.events_to_come,
        "replies_outstanding": review.replies_outstanding,
        "check_due": review.check_due,
        "check_responded": review.check_responded,
        "check_asked": review.check_asked,
        "actions_overdue": review.actions_overdue,
        "deadlines": _deadlines_cell(review.deadlines),
    }


def _attention(clocks_overdue, clocks_due_soon, reviews, events_this_fortnight, events_awaiting, requests, manager):
    """The "needs attention" list, each line's words worked out here rather than by filters in the template."""
    lines = [
        _line(
            tag_class=clock.tag_class,
            tag_text=clock.tag_text,
            url=f"{clock.review.url}#deadlines",
            link=clock.review.reference,
            after=f": {clock.name}, due {long_date(clock.due_on)} ({clock.countdown.lower()}).",
        )
        for clock in [*clocks_overdue, *clocks_due_soon]
    ]
    lines += [
        _line(
            before=f"{counted(review.actions_overdue, 'action')} in the action plan of ",
            url=review.url,
            link=review.reference,
            after=f" {agree(review.actions_overdue, 'is,are')} overdue.",
        )
        for review in reviews
        if review.actions_overdue
    ]
    lines += [
        _line(
            url=event["url"],
            link=event["title"],
            after=f" is on {event['day']} ({event['review__reference']}): {event['places']}.",
        )
        for event in events_this_fortnight
    ]
    lines += [
        _line(
            before=f"{counted(event['awaiting'], 'invitee')} of ",
            url=event["url"],
            link=event["title"],
            after=f" {agree(event['awaiting'], 'has,have')} not replied; replies are due by {event['reply_by']}.",
        )
        for event in events_awaiting
    ]
    lines += [
        _line(
            before=f"{request['agency__name']} has not named anyone for ",
            url=request["url"] if manager else "",
            link=request["review__reference"],
            after=f" (due {request['due']}).",
        )
        for request in requests
    ]
    return lines


def summary(user, partnership, now=None, manager=False):
    """What the dashboard shows: model rows for those who read them, plain values for the template."""
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
    # Upcoming events and unanswered requests of the reviews just read, by their ids: the same scoping
    # without building the visibility subquery again.
    chased = [review.pk for review in reviews if review.status not in AFTER_SIGN_OFF]
    events = list(
        Event.objects.filter(review_id__in=chased)
        .upcoming(now)
        .annotate(
            accepted=Count("invitations", filter=Q(invitations__status=Invitation.Status.ACCEPTED)),
            # Those joining a hybrid event online take none of the room's places.
            online=Count(
                "invitations",
                filter=Q(invitations__status=Invitation.Status.ACCEPTED, invitations__joining=Invitation.Joining.ONLINE)
                & Q(format=Event.Format.HYBRID),
            ),
            awaiting=Count("invitations", filter=Q(invitations__status=Invitation.Status.INVITED)),
        )
        .order_by("starts_at")
        .values(*EVENT_COLUMNS)
    )
    for event in events:
        starts_on = timezone.localtime(event["starts_at"]).date()
        event["url"] = event_url(event["pk"])
        event["when"] = format_when(event["starts_at"], event["ends_at"])
        event["day"] = weekday_day_month(starts_on)
        event["reply_by"] = day_month(event["rsvp_deadline"])
        event["in_room"] = event["accepted"] - event["online"]
        event["places"] = places_words(event)
    fortnight = now + FORTNIGHT
    unanswered_requests = (
        NominationRequest.objects.filter(review_id__in=chased, completed_at__isnull=True)
        .exclude(Exists(Nomination.objects.filter(request=OuterRef("pk"))))
        .order_by("deadline")
        .values("review_id", "deadline", "agency__name", "review__reference")
    )
    nomination_url = url_maker("events:nomination_list", slug)
    agencies_not_nominated = list(unanswered_requests)
    for request in agencies_not_nominated:
        request["url"] = nomination_url(request["review_id"])
        request["due"] = day_month(request["deadline"])
    clocks_overdue = sorted((c for c in review_clocks if c.is_overdue), key=lambda c: c.due_on)
    clocks_due_soon = sorted((c for c in review_clocks if c.state == clocks.State.DUE_SOON), key=lambda c: c.due_on)
    events_this_fortnight = [event for event in events if event["starts_at"] <= fortnight]
    events_awaiting_replies = [event for event in events if event["awaiting"]]
    return {
        "reviews": reviews,
        "rows": [_row(review) for review in reviews],
        "open_reviews": [review for review in reviews if not review.finished],
        "clocks_overdue": clocks_overdue,
        "clocks_due_soon": clocks_due_soon,
        "reviews_with_overdue_actions": [review for review in reviews if review.actions_overdue],
        "upcoming_events": events,
        "events_this_fortnight": events_this_fortnight,
        "events_awaiting_replies": events_awaiting_replies,
        "agencies_not_nominated": agencies_not_nominated,
        "attention": _attention(
            clocks_overdue,
            clocks_due_soon,
            reviews,
            events_this_fortnight,
            events_awaiting_replies,
            agencies_not_nominated,
            manager,
        ),
    }


def unchanged_until(summary, now):
    """When the time alone would change what `summary` shows: the next midnight (the clocks count days), the
    next end of an event of these reviews (it is held from then on and leaves the list of events to come), or
    the moment an upcoming event comes within the fortnight."""
    local = timezone.localtime(now)
    moments = [timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), time.min))]
    next_end = (
        Event.objects.filter(review__in=[review.pk for review in summary["reviews"]], ends_at__gte=now)
        .exclude(status=Event.Status.CANCELLED)
        .aggregate(next_end=Min("ends_at"))["next_end"]
    )
    if next_end:
        moments.append(next_end)
    moments.extend(
        event["starts_at"] - FORTNIGHT for event in summary["upcoming_events"] if event["starts_at"] > now + FORTNIGHT
    )
    return min(moments)
