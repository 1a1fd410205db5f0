"""Statutory clocks: each review's deadlines, counted in working days in England.

The targets are the partnership's own (fields on Partnership, editable on its details page), except
the national panel's notification, which Working Together sets at 5 working days. Day-based targets
count working days: weekends and England's bank holidays (the `holidays` package, through
core.workdays) do not count. Month-based targets count calendar months. How far away a deadline
is, is always given in working days.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from core.workdays import add_working_days, working_days_between
from reviews.models import Review

# A deadline this close (calendar days) is "due soon": the overview looks two weeks ahead.
DUE_SOON_DAYS = 14

# Working Together to Safeguard Children: the national panel is told within 5 working days.
NOTIFICATION_WORKING_DAYS = 5

# Stages at which a review counts as completed, for each type's completion target.
COMPLETED = {
    Review.Type.CSPR: {Review.Status.PUBLISHED, Review.Status.CLOSED},
    Review.Type.SAR: {Review.Status.SIGNED_OFF, Review.Status.PUBLISHED, Review.Status.CLOSED},
}

# The review's columns the clocks read: a list of reviews loaded with .only() must include them.
CLOCK_COLUMNS = (
    "partnership_id",
    "review_type",
    "status",
    "became_aware_on",
    "incident_notified_on",
    "rapid_review_sent_on",
    "referral_decided_on",
    "commissioned_on",
    "target_completion_on",
)


class State:
    DONE = "done"
    DONE_LATE = "done_late"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NOT_DUE = "not_due"


TAGS = {
    State.DONE: ("Recorded", "govuk-tag--green"),
    State.DONE_LATE: ("Recorded late", "govuk-tag--orange"),
    State.OVERDUE: ("Overdue", "govuk-tag--red"),
    State.DUE_SOON: ("Due soon", "govuk-tag--yellow"),
    State.NOT_DUE: ("Due", "govuk-tag--grey"),
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
    # The day the step was recorded as done, when the review records it: after due_on, it was late.
    done_on: date | None = None

    @property
    def state(self):
        if self.done:
            return State.DONE_LATE if self.working_days_late else State.DONE
        if self.today > self.due_on:
            return State.OVERDUE
        if self.due_on <= self.today + timedelta(days=DUE_SOON_DAYS):
            return State.DUE_SOON
        return State.NOT_DUE

    @property
    def working_days_late(self):
        """Working days the step was recorded after its deadline: 0 when on time or not dated."""
        if not self.done or self.done_on is None or self.done_on <= self.due_on:
            return 0
        # At least 1: a step due on a Friday and recorded on the Saturday was still late.
        return max(working_days_between(self.due_on, self.done_on), 1)

    @property
    def tag_text(self):
        if self.state == State.DONE_LATE:
            return f"Recorded late ({_days(self.working_days_late)})"
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
        """ "8 working days left", "Due today", "3 working days overdue", "Recorded" or "Recorded late (...)"."""
        if self.done:
            return self.tag_text
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


def _days(count):
    return f"{count} working day{'' if count == 1 else 's'}"


def review_clocks(review, *, partnership, today, circulation_deadline=None):
    """The review's clocks, earliest first. Makes no queries: pass the open check's deadline, if any.

    A clock is done only when what it measures is recorded (the national panel notified, the rapid
    review sent, the decision made, the review signed off or published); a later stage of the review
    does not make it so.
    """
    clocks = []

    def clock(name, basis, due_on, done, done_on=None):
        clocks.append(
            Clock(review=review, name=name, basis=basis, due_on=due_on, done=done, today=today, done_on=done_on)
        )

    completed = review.status in COMPLETED[review.review_type]
    if review.review_type == Review.Type.CSPR:
        days, months = partnership.rapid_review_working_days, partnership.cspr_completion_months
        if review.became_aware_on:
            clock(
                "National panel notified",
                f"{_days(NOTIFICATION_WORKING_DAYS)} after the local authority became aware of the serious incident",
                add_working_days(review.became_aware_on, NOTIFICATION_WORKING_DAYS),
                review.incident_notified_on is not None,
                review.incident_notified_on,
            )
        if review.incident_notified_on:
            clock(
                "Rapid review",
                f"{_days(days)} after the serious incident was notified",
                add_working_days(review.incident_notified_on, days),
                review.rapid_review_sent_on is not None,
                review.rapid_review_sent_on,
            )
        completion_name, completion_basis = "Review completed and published", "after it was commissioned"
    else:
        days, months = partnership.sar_decision_working_days, partnership.sar_completion_months
        if review.incident_notified_on:
            clock(
                "Decision on the referral",
                f"{_days(days)} after the referral was received",
                add_working_days(review.incident_notified_on, days),
                review.referral_decided_on is not None,
                review.referral_decided_on,
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


def earliest_publication(review, partnership=None):
    """The first day the final report may be published, or None until its sending is recorded.

    The national panel and the others the partnership names have the report for at least the
    partnership's notice period (working days) before it is published.
    """
    if review.final_report_sent_on is None:
        return None
    partnership = partnership or review.partnership
    return add_working_days(review.final_report_sent_on, partnership.publication_notice_working_days)
