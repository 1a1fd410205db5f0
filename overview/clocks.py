"""The clocks as the overview and the review page show them: reviews.clocks, with the open check's deadline.

The clock rules live in reviews.clocks; the names are kept here for the pages that read them.
"""

from django.db.models import Count, Q
from django.utils import timezone

from core.workdays import add_working_days, working_days_between
from reviews.clocks import (
    CLOCK_COLUMNS,
    COMPLETED,
    DUE_SOON_DAYS,
    TAGS,
    Clock,
    State,
    add_months,
    earliest_publication,
    review_clocks,
)

__all__ = [
    "CLOCK_COLUMNS",
    "COMPLETED",
    "DUE_SOON_DAYS",
    "TAGS",
    "Clock",
    "State",
    "add_months",
    "add_working_days",
    "earliest_publication",
    "for_review",
    "open_check",
    "review_clocks",
    "working_days_between",
]


def open_check(review):
    """The review's open factual-accuracy check, with `asked` and `responded` counted, or None."""
    from reports.models import Circulation

    return (
        Circulation.objects.filter(review=review, closed_at__isnull=True)
        .annotate(
            asked=Count("checkers"),
            responded=Count("checkers", filter=Q(checkers__responded_at__isnull=False)),
        )
        .order_by("-started_at")
        .first()
    )


def for_review(review, today=None):
    """The clocks of one review, for its page."""
    today = today or timezone.localdate()
    check = open_check(review)
    return review_clocks(
        review,
        partnership=review.partnership,
        today=today,
        circulation_deadline=check.deadline if check else None,
    )
