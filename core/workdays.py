"""Working days in England: weekends and England's bank holidays do not count.

The bank holidays of each year are worked out once per process and kept as a plain set of dates:
asking the `holidays` package's own calendar whether a date is a holiday is many times slower, and
the dashboard and the reminder sweep ask it for every day of every deadline they count.
"""

from datetime import timedelta
from functools import cache

import holidays


@cache
def _bank_holidays(year):
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holidays_between(start, end):
    """England's bank holidays from `start` to `end`, both included."""
    return {day for year in range(start.year, end.year + 1) for day in _bank_holidays(year) if start <= day <= end}


def is_working_day(day):
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def subtract_working_days(day, count):
    """The date `count` working days before `day`."""
    while count > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def add_working_days(day, count):
    """The date `count` working days after `day`."""
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start, end):
    """Working days after `start` up to and including `end`; negative when `end` is earlier.

    Whole weeks count five days each, without stepping through them; then the bank holidays that
    fall on a weekday in between are taken off.
    """
    sign = 1 if end >= start else -1
    low, high = (start, end) if sign > 0 else (end, start)
    weeks, rest = divmod((high - low).days, 7)
    count = weeks * 5
    day = low + timedelta(weeks=weeks)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    if low < high:
        count -= sum(1 for holiday in bank_holidays_between(low + timedelta(days=1), high) if holiday.weekday() < 5)
    return sign * count
