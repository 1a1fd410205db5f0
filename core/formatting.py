"""One way of writing dates, times, numbers and counts, for every page, email and PDF.

Times as people in England write them ("10am", "1:37pm", "midday"); dates as GOV.UK writes them
("Tuesday 8 December 2026", "8 December 2026"); counts with the right plural.
"""

import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def parse_time(text):
    """A time of day from what someone typed: "10am", "2:30pm", "14:30", "9.15", "midday". None if unreadable."""
    text = "".join(text.lower().split()).replace(".", ":")
    if text in ("midday", "noon", "12noon"):
        return time(12)
    if text == "midnight":
        return time(0)
    match = re.fullmatch(r"(\d{1,2})(?::?(\d{2}))?(am|pm|a:m:|p:m:)?", text)
    if match is None:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "")[:1]
    if minute > 59:
        return None
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    elif hour > 23:
        return None
    return time(hour, minute)


def _local(when):
    """A date or a datetime as the date and time people in England read it (datetimes in UK time)."""
    if isinstance(when, datetime) and timezone.is_aware(when):
        return timezone.localtime(when, LONDON)
    return when


def format_time(value):
    """ "10am", "2:30pm", "midday", "midnight": for a time, or a datetime (in UK time)."""
    value = _local(value)
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def uk_date(when):
    """ "8 December 2026"."""
    when = _local(when)
    return f"{when.day} {when:%B %Y}" if when else ""


def long_date(when):
    """ "Tuesday 8 December 2026"."""
    when = _local(when)
    return f"{when:%A} {when.day} {when:%B %Y}" if when else ""


def due_by(day, today=None):
    """ "are due by the end of Tuesday 8 December 2026" until that day is over, then "were due by the end of …"."""
    if not day:
        return ""
    today = today or timezone.localtime(timezone.now(), LONDON).date()
    verb = "were" if today > day else "are"
    return f"{verb} due by the end of {long_date(day)}"


def day_month(when):
    """ "8 December", where the year goes without saying."""
    when = _local(when)
    return f"{when.day} {when:%B}" if when else ""


def weekday_day_month(when):
    """ "Tuesday 8 December", where the year goes without saying."""
    when = _local(when)
    return f"{when:%A} {when.day} {when:%B}" if when else ""


def uk_datetime(value, seconds=False):
    """ "23 November 2026, 2:05pm" in UK time, as GOV.UK writes it; "2:05:09pm" with seconds (the audit log)."""
    if not value:
        return ""
    local = _local(value)
    if seconds:
        half = "am" if local.hour < 12 else "pm"
        return f"{uk_date(local)}, {local.hour % 12 or 12}:{local.minute:02d}:{local.second:02d}{half}"
    return f"{uk_date(local)}, {format_time(local)}"


def format_when(starts_at, ends_at):
    """ "Tuesday 8 December 2026, 10am to 1pm", in UK time."""
    start, end = _local(starts_at), _local(ends_at)
    if start.date() == end.date():
        return f"{long_date(start)}, {format_time(start)} to {format_time(end)}"
    return f"{long_date(start)}, {format_time(start)} to {long_date(end)}, {format_time(end)}"


def london_datetime(day, at):
    """The aware datetime for a UK date and time; None if the clocks going forward skip that time."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=LONDON)
    if aware.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != naive:
        return None
    return aware


def counted(count, noun):
    """ "1 place", "3 places": the count with its noun; an irregular plural after a comma ("person,people",
    "entry,entries"). Thousands get commas ("1,200 people")."""
    singular, _, plural = str(noun).partition(",")
    number = f"{count:,}" if isinstance(count, int) else str(count)
    return f"{number} {singular if count == 1 else plural or singular + 's'}"


def agree(count, words):
    """The word that agrees with a count: agree(1, "has,have") is "has", agree(3, "has,have") is "have"."""
    one, _, many = str(words).partition(",")
    return one if count == 1 else many


def people(count):
    """ "1 person", "3 people"."""
    return counted(count, "person,people")


def people_have(count):
    """ "1 person has", "3 people have"."""
    return f"{people(count)} {'has' if count == 1 else 'have'}"


def sentence(text):
    """The text as a sentence: a full stop added unless it already ends with ".", "!" or "?"."""
    text = str(text).rstrip()
    return text if not text or text.endswith((".", "!", "?")) else f"{text}."
