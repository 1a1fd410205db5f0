"""iCalendar files for invitations: one stable UID per event, SEQUENCE bumped on every change."""

from datetime import UTC, date

from django.utils import timezone
from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as CalendarEvent

PRODUCT_ID = "-//Convene//Practitioner events//EN"


def event_uid(event):
    return f"{event.uid}@convene"


def summary(event):
    """What calendars show: the reference and pseudonym only, never a real name."""
    review = event.review
    return f"Practitioner event: {review.reference} ({review.pseudonym})"


def location(event):
    if event.format == event.Format.ONLINE:
        return "Online (joining details in your invitation)"
    place = ", ".join(part for part in [event.venue_name, " ".join(event.venue_address.split())] if part)
    if event.format == event.Format.HYBRID:
        place += " (or online)"
    return place


def build(event, invitation, *, method="REQUEST", description=""):
    """The calendar file for one invitee: a request (new or changed) or a cancellation."""
    partnership = event.review.partnership
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    entry = CalendarEvent()
    entry.add("uid", event_uid(event))
    entry.add("sequence", event.sequence)
    entry.add("dtstamp", timezone.now().astimezone(UTC))
    entry.add("dtstart", timezone.localtime(event.starts_at))
    entry.add("dtend", timezone.localtime(event.ends_at))
    entry.add("summary", summary(event))
    entry.add("location", location(event))
    entry.add("description", description)
    entry.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{partnership.contact_email}")
    organizer.params["cn"] = vText(partnership.name)
    entry.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{invitation.practitioner.email}")
    attendee.params["cn"] = vText(invitation.practitioner.full_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    partstat = {"accepted": "ACCEPTED", "declined": "DECLINED"}.get(invitation.status, "NEEDS-ACTION")
    attendee.params["partstat"] = vText(partstat)
    entry.add("attendee", attendee, encode=0)
    calendar.add_component(entry)
    # Only the transitions around the event: a short file that every calendar program reads.
    year = timezone.localtime(event.starts_at).year
    calendar.add_missing_timezones(first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1))
    return calendar.to_ical().decode()
