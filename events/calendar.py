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


def sequence_for(event, invitation):
    """The entry's SEQUENCE for one invitee: it rises when the event changes and when they reply.

    Calendar programs replace an entry only with a higher SEQUENCE for the same UID, so the entry
    an invitee gets on accepting (with the joining link) replaces the one in their invitation.
    """
    return event.sequence + invitation.calendar_revision


def joining_link_for(event, invitation):
    """The joining link, for an invitee who has accepted an event that has one; otherwise ""."""
    if invitation.status != invitation.Status.ACCEPTED or event.format == event.Format.IN_PERSON:
        return ""
    return event.joining_link


def _description(link, event, description):
    if not link:
        return description
    lines = [f"Join online: {link}"]
    if event.joining_details:
        lines.append(event.joining_details)
    if description:
        lines.append(description)
    return "\n\n".join(lines)


def location(event, link=""):
    if event.format == event.Format.ONLINE:
        if link:
            return f"Online: {link}"
        return "Online (the joining link comes once you accept)"
    place = ", ".join(part for part in [event.venue_name, " ".join(event.venue_address.split())] if part)
    if event.format == event.Format.HYBRID:
        place += " (or online)"
    return place


def build(event, invitation, *, method="REQUEST", description=""):
    """The calendar file for one invitee: a request (new or changed) or a cancellation.

    The joining link goes only into the entry of an invitee who has accepted: never into the one
    every invitee gets with their invitation.
    """
    partnership = event.review.partnership
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    entry = CalendarEvent()
    entry.add("uid", event_uid(event))
    entry.add("sequence", sequence_for(event, invitation))
    entry.add("dtstamp", timezone.now().astimezone(UTC))
    entry.add("dtstart", timezone.localtime(event.starts_at))
    entry.add("dtend", timezone.localtime(event.ends_at))
    entry.add("summary", summary(event))
    link = joining_link_for(event, invitation) if method != "CANCEL" else ""
    entry.add("location", location(event, link))
    entry.add("description", _description(link, event, description))
    if link:
        entry.add("url", link)
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
