"""The product's one way of writing dates, times and counts, for every template (a builtin: no {% load %})."""

from django import template

from core import formatting

register = template.Library()

for name in ("uk_date", "long_date", "day_month", "weekday_day_month", "people"):
    register.filter(name, getattr(formatting, name))
register.filter("uk_time", formatting.format_time)
register.filter("due_by", formatting.due_by)
register.filter("sentence", formatting.sentence)
# {{ count|counted:"place" }} -> "1 place", "3 places"; {{ count|counted:"entry,entries" }} for an irregular plural.
register.filter("counted", formatting.counted)
# {{ count|agree:"has,have" }}: the word that agrees with the count.
register.filter("agree", formatting.agree)


@register.filter
def uk_datetime(value, precision=""):
    """ "23 November 2026, 2:05pm"; with "seconds", "2:05:09pm"."""
    return formatting.uk_datetime(value, seconds=precision == "seconds")
