"""A month of the partnership's events: weeks of days for the grid, and the days with events for the list."""

import calendar as weeks
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone

from core.formatting import LONDON, format_time, long_date
from events.models import Event

MONTH = re.compile(r"(\d{4})-(\d{2})")
# The months the page will show: far enough for any review, near enough that a typo is caught.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass
class Day:
    day: date
    in_month: bool
    is_today: bool
    events: list = field(default_factory=list)

    @property
    def label(self):
        return long_date(self.day)


@dataclass(frozen=True)
class Month:
    first: date

    @classmethod
    def parse(cls, text, today):
        """The month "2026-12" names; this month for nothing, or None for anything unreadable."""
        if not text:
            return cls(today.replace(day=1))
        match = MONTH.fullmatch(text.strip())
        if match is None:
            return None
        year, month = int(match[1]), int(match[2])
        if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
            return None
        return cls(date(year, month, 1))

    @property
    def key(self):
        return f"{self.first:%Y-%m}"

    @property
    def label(self):
        return f"{self.first:%B %Y}"

    @property
    def previous(self):
        year, month = (self.first.year, self.first.month - 1) if self.first.month > 1 else (self.first.year - 1, 12)
        return Month(date(year, month, 1)) if year >= FIRST_YEAR else None

    @property
    def next(self):
        year, month = (self.first.year, self.first.month + 1) if self.first.month < 12 else (self.first.year + 1, 1)
        return Month(date(year, month, 1)) if year <= LAST_YEAR else None

    @property
    def last(self):
        return date(self.first.year, self.first.month, weeks.monthrange(self.first.year, self.first.month)[1])


def _start_of(day):
    return datetime.combine(day, time(0), tzinfo=LONDON)


def events_in(user, partnership, month):
    """The events the user may see that start in the month (UK time), cancelled ones included."""
    following = month.next.first if month.next else date(LAST_YEAR + 1, 1, 1)
    return (
        Event.objects.visible_to(user, partnership)
        .filter(starts_at__gte=_start_of(month.first), starts_at__lt=_start_of(following))
        .select_related("review")
        .order_by("starts_at", "pk")
    )


def layout(month, events, today):
    """(weeks of seven Days from Monday, for the grid; the Days with events, for the list)."""
    by_day = {}
    for event in events:
        starts = timezone.localtime(event.starts_at, LONDON)
        event.starts_label = format_time(starts)
        by_day.setdefault(starts.date(), []).append(event)
    grid = [
        [Day(day, day.month == month.first.month, day == today, by_day.get(day, [])) for day in week]
        for week in weeks.Calendar(firstweekday=0).monthdatescalendar(month.first.year, month.first.month)
    ]
    days_with_events = [day for week in grid for day in week if day.in_month and day.events]
    return grid, days_with_events
