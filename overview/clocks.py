"""Statutory clocks: each review's deadlines, counted in working days in England.

The targets are the partnership's own (fields on Partnership, editable on its details page), not
time limits set in law. Day-based targets count working days: weekends and England's bank
holidays (the `holidays` package, through core.workdays) do not count. Month-based targets
count calendar months. How far away a deadline is, is always given in working days.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from core.workdays import add_working_days, working_days_between
from reviews.models import Review

# A deadline this close (calendar days) is "due soon": the overview looks two weeks ahead.
DUE_SOON_DAYS = 14

# Stages at which a review counts as completed, for each type's completion target.
COMPLETED = {
    Review.Type.CSPR: {Review.Status.PUBLISHED, Review.Status.CLOSED},
    Review.Type.SAR: {Review.Status.SIGNED_OFF, Review.Status.PUBLISHED, Review.Status.CLOSED},
}


class State:
    DONE = "done"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NOT_DUE = "not_due"


TAGS = {
    State.DONE: ("Done", "govuk-tag--green"),
    State.OVERDUE: ("Overdue", "govuk-tag--red"),
    State.DUE_SOON: ("Due soon", "govuk-tag--yellow"),
    State.NOT_DUE: ("Not due yet", "govuk-tag--grey"),
}


def add_months(day, months):
    """The same day `months` calendar months later (the month's last day if it is shorter)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Clock:
    """One deadline of one review, as it stands on `today`."""

    review: Review
    name: str
    basis: str
    due_on: date
    done: bool
    today: date

    @property
    def state(self):
        if self.done:
            return State.DONE
        if self.today > self.due_on:
            return State.OVERDUE
        if self.due_on <= self.today + timedelta(days=DUE_SOON_DAYS):
            return State.DUE_SOON
        return State.NOT_DUE

    @property
    def tag_text(self):
        return TAGS[self.state][0]

    @property
    def tag_class(self):
        return TAGS[self.state][1]

    @property
    def working_days_left(self):
        """Working days from today to the deadline: 0 when it is today, negative once it has passed."""
        return working_days_between(self.today, self.due_on)

    @property
    def is_overdue(self):
        return self.state == State.OVERDUE

    @property
    def needs_attention(self):
        return self.state in (State.OVERDUE, State.DUE_SOON)

    @property
    def countdown(self):
        """ "8 working days left", "Due today", "3 working days overdue" or "Done"."""
        if self.done:
            return "Done"
        left = self.working_days_left
        if self.today > self.due_on:
            if left == 0:
                return "Less than 1 working day overdue"
            return f"{-left} working day{'' if left == -1 else 's'} overdue"
        if self.due_on == self.today:
            return "Due today"
        if left == 0:
            return "No working days left"
        return f"{left} working day{'' if left == 1 else 's'} left"


def review_clocks(review, *, partnership, today, circulation_deadline=None):
    """The review's clocks, earliest first. Makes no queries: pass the open check's deadline, if any.

    A clock is done only when what it measures is recorded (the rapid review sent, the decision made,
    the review signed off or published); a later stage of the review does not make it so.
    """
    clocks = []

    def clock(name, basis, due_on, done):
        clocks.append(Clock(review=review, name=name, basis=basis, due_on=due_on, done=done, today=today))

    completed = review.status in COMPLETED[review.review_type]
    if review.review_type == Review.Type.CSPR:
        days, months = partnership.rapid_review_working_days, partnership.cspr_completion_months
        if review.incident_notified_on:
            clock(
                "Rapid review",
                f"{days} working day{'' if days == 1 else 's'} after the serious incident was notified",
                add_working_days(review.incident_notified_on, days),
                review.rapid_review_sent_on is not None,
            )
        completion_name, completion_basis = "Review completed and published", "after it was commissioned"
    else:
        days, months = partnership.sar_decision_working_days, partnership.sar_completion_months
        if review.incident_notified_on:
            clock(
                "Decision on the referral",
                f"{days} working day{'' if days == 1 else 's'} after the referral was received",
                add_working_days(review.incident_notified_on, days),
                review.referral_decided_on is not None,
            )
        completion_name, completion_basis = "Review completed", "after it was commissioned"
    if review.target_completion_on:
        clock(completion_name, "The target date recorded for the review", review.target_completion_on, completed)
    elif review.commissioned_on:
        clock(
            completion_name,
            f"{months} month{'' if months == 1 else 's'} {completion_basis}",
            add_months(review.commissioned_on, months),
            completed,
        )
    if circulation_deadline is not None:
        clock(
            "Factual-accuracy comments",
            "The date given to those checking the draft report",
            circulation_deadline,
            False,
        )
    return sorted(clocks, key=lambda c: c.due_on)


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
