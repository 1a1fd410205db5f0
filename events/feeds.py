"""Each member of staff's calendar feed of the partnership's events, for their own calendar program.

The feed's address carries a secret; only its hash is kept (core.links makes and hashes it, as for
personal links). A calendar program fetches the address without signing in, so the address is all
it has: resetting it stops the old one at once, and the feed closes for anyone no longer on the staff.
Entries name each event by its review's reference and pseudonym only, never a real name.
"""

from datetime import UTC, date, timedelta

from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, vDuration
from icalendar import Event as CalendarEvent

from core import audit, links
from core.models import Membership
from events import calendar
from events.models import CalendarFeed, Event

# Events that ended longer ago than this are left out of the feed.
FEED_LOOKBACK = timedelta(days=365)
# How often calendar programs are asked to fetch the feed again.
REFRESH_INTERVAL = timedelta(hours=4)


def feed_of(user, partnership):
    """The user's feed for the partnership, or None if they have not made one."""
    return CalendarFeed.objects.filter(partnership=partnership, user=user).first()


def reset_feed(*, user, partnership, request=None):
    """Give the user a new feed address (the old one, if any, stops working at once); returns its secret."""
    token, token_hash = links.new_token()
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(partnership=partnership, user=user).first()
        if feed is None:
            feed = CalendarFeed.objects.create(partnership=partnership, user=user, token_hash=token_hash)
            action = "calendar_feed.created"
        else:
            feed.token_hash = token_hash
            feed.created_at = timezone.now()
            feed.save(update_fields=["token_hash", "created_at"])
            action = "calendar_feed.reset"
        audit.record(action, request=request, actor=user, partnership=partnership, obj=feed)
    return token


def stop_feed(*, user, partnership, request=None):
    """Stop the user's feed address. False if they had none."""
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(partnership=partnership, user=user).first()
        if feed is None:
            return False
        audit.record("calendar_feed.stopped", request=request, actor=user, partnership=partnership, obj=feed)
        feed.delete()
    return True


def lookup(partnership, token):
    """The feed a secret opens, while its holder is still on the partnership's staff; None otherwise."""
    if not token or len(token) > links.MAX_TOKEN_LENGTH:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(partnership=partnership, token_hash=links.hash_token(token))
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    if not Membership.objects.filter(partnership=partnership, user=feed.user).exists():
        return None
    return feed


def feed_events(user, partnership, now=None):
    """The events the feed holds: those the user may see, from a year back, cancelled ones included."""
    now = now or timezone.now()
    return (
        Event.objects.visible_to(user, partnership)
        .filter(ends_at__gte=now - FEED_LOOKBACK)
        .select_related("review")
        .order_by("starts_at", "pk")
    )


def feed_uid(event):
    """Stable for the event's life, and apart from the UID of the invitees' own entries."""
    return f"feed-{event.uid}@convene"


def build(partnership, events, *, event_url):
    """The feed as iCalendar text: one entry per event, a cancelled one marked CANCELLED."""
    feed = Calendar()
    feed.add("prodid", calendar.PRODUCT_ID)
    feed.add("version", "2.0")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", f"Practitioner events – {partnership.name}")
    feed.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    stamp = timezone.now().astimezone(UTC)
    years = set()
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", feed_uid(event))
        entry.add("sequence", event.sequence)
        entry.add("dtstamp", stamp)
        entry.add("dtstart", timezone.localtime(event.starts_at))
        entry.add("dtend", timezone.localtime(event.ends_at))
        entry.add("summary", calendar.summary(event))
        entry.add("location", calendar.location(event))
        entry.add("description", f"{event.get_status_display()}. The event in Convene: {event_url(event)}")
        entry.add("url", event_url(event))
        entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
        feed.add_component(entry)
        years.add(timezone.localtime(event.starts_at).year)
    if years:
        feed.add_missing_timezones(first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1))
    return feed.to_ical().decode()
