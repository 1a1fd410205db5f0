"""Working days in England: weekends and England's bank holidays do not count."""

from datetime import timedelta
from functools import cache

import holidays


@cache
def _bank_holidays(year):
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


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
