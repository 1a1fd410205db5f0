"""Events across reviews: the month view, and each member of staff's calendar feed."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from core.models import AuditEntry, Membership
from events import services
from events.models import CalendarFeed, Event
from reviews.models import Review
from tests.events.conftest import LONDON, REAL_NAME, invite, make_event

pytestmark = pytest.mark.django_db


def calendar_url(partnership, month=None):
    url = reverse("events:event_calendar", args=[partnership.slug])
    return f"{url}?month={month}" if month else url


def feed_settings_url(partnership):
    return reverse("events:calendar_feed_settings", args=[partnership.slug])


def other_review(other_partnership):
    return Review.objects.create(
        partnership=other_partnership,
        review_type=Review.Type.SAR,
        reference="SAR 2026-09",
        pseudonym="Adult Z",
        scope_start=date(2025, 1, 1),
        scope_end=date(2025, 12, 31),
    )


# The month view ------------------------------------------------------------------------------


def test_the_month_shows_every_reviews_events_each_linking_to_its_page(client, business_manager, review, frozen):
    first = make_event(review, title="Practitioner learning event")
    second = make_event(
        review,
        title="Second learning event",
        starts_at=datetime(2026, 12, 15, 13, 30, tzinfo=LONDON),
        ends_at=datetime(2026, 12, 15, 16, 0, tzinfo=LONDON),
    )
    make_event(
        review,
        title="Event next year",
        starts_at=datetime(2027, 1, 5, 10, tzinfo=LONDON),
        ends_at=datetime(2027, 1, 5, 12, tzinfo=LONDON),
    )
    client.force_login(business_manager)

    response = client.get(calendar_url(review.partnership, "2026-12"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Events in December 2026" in page
    assert "2 events in December 2026." in page
    for event in (first, second):
        assert reverse("events:event_detail", args=[review.partnership.slug, event.pk]) in page
    assert "Tuesday 8 December 2026" in page and "Tuesday 15 December 2026" in page
    assert "10am" in page and "1:30pm" in page
    assert "Event next year" not in page
    # Previous and next months, and the way back to this one (November 2026, frozen).
    assert "?month=2026-11" in page and "?month=2027-01" in page
    assert "Go to this month (November 2026)" in page


def test_this_month_marks_today(client, business_manager, review, frozen):
    client.force_login(business_manager)
    page = client.get(calendar_url(review.partnership)).content.decode()
    assert "Events in November 2026" in page
    assert 'aria-current="date"' in page
    assert "No events in November 2026." in page
    assert "Go to this month" not in page


def test_a_cancelled_event_shows_as_cancelled(client, business_manager, review, frozen):
    event = make_event(review)
    services.cancel_event(event, reason="The venue is closed.", cancelled_by=business_manager)
    client.force_login(business_manager)
    page = client.get(calendar_url(review.partnership, "2026-12")).content.decode()
    assert "Cancelled" in page


def test_only_the_partnerships_own_events_show(client, business_manager, outsider, other_partnership, review, frozen):
    make_event(review, title="Our event")
    theirs = make_event(other_review(other_partnership), title="Their event")
    client.force_login(business_manager)
    page = client.get(calendar_url(review.partnership, "2026-12")).content.decode()
    assert "Our event" in page
    assert "Their event" not in page
    assert reverse("events:event_detail", args=[other_partnership.slug, theirs.pk]) not in page
    # Their business manager cannot open ours.
    client.force_login(outsider)
    assert client.get(calendar_url(review.partnership, "2026-12")).status_code == 404


def test_a_reviewer_sees_only_the_events_of_their_own_reviews(
    client, business_manager, reviewer, review, partnership, frozen
):
    make_event(review, title="Event of their review")
    not_theirs = Review.objects.create(
        partnership=partnership,
        review_type=Review.Type.CSPR,
        reference="CSPR 2026/02",
        pseudonym="Child F",
        scope_start=date(2025, 1, 1),
        scope_end=date(2025, 12, 31),
    )
    make_event(not_theirs, title="Event of another review")
    client.force_login(reviewer)
    page = client.get(calendar_url(partnership, "2026-12")).content.decode()
    assert "Event of their review" in page
    assert "Event of another review" not in page


@pytest.mark.parametrize("month", ["December", "2026-13", "1999-01", "2026-1", "x" * 300])
def test_a_month_that_cannot_be_read_shows_this_month_and_says_why(client, business_manager, partnership, month):
    client.force_login(business_manager)
    response = client.get(calendar_url(partnership, month), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == calendar_url(partnership)
    assert "Enter the month as a year and month, like 2026-12" in response.content.decode()


def test_the_dashboard_and_the_navigation_lead_to_the_month(client, business_manager, reviewer, partnership):
    for person in (business_manager, reviewer):
        client.force_login(person)
        page = client.get(reverse("overview:partnership_overview", args=[partnership.slug])).content.decode()
        assert f'href="{calendar_url(partnership)}"' in page
        assert "See the events of every review, month by month" in page


# The calendar feed ---------------------------------------------------------------------------


def make_feed(client, user, partnership):
    """Press "Get your feed's address" as `user`; the address the page shows, as a path."""
    client.force_login(user)
    response = client.post(feed_settings_url(partnership), {"action": "reset"})
    assert response.status_code == 200
    address = response.context["address"]
    assert address in response.content.decode()
    return address.removeprefix("http://testserver")


def read_feed(client, path):
    client.logout()  # a calendar program has no session
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_the_feed_holds_the_events_by_reference_and_pseudonym_only(client, business_manager, review, sam, lee, frozen):
    event = make_event(review)
    invite(event, sam)
    invite(event, lee)
    path = make_feed(client, business_manager, review.partnership)

    feed = read_feed(client, path)

    (entry,) = feed.walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Practitioner event: CSPR 2026/01 (Child A)"
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert entry.decoded("DTSTART") == datetime(2026, 12, 8, 10, tzinfo=LONDON)
    assert reverse("events:event_detail", args=[review.partnership.slug, event.pk]) in str(entry["URL"])
    text = feed.to_ical().decode()
    for name in (REAL_NAME, "Amelia", "Hart-Smith", "Sam Green", "Lee Patel", business_manager.full_name):
        assert name not in text
    # The event's own title (which staff choose) is left out too.
    assert event.title not in text


def test_the_feed_keeps_each_events_uid_and_marks_a_cancelled_one(client, business_manager, review, frozen):
    event = make_event(review)
    path = make_feed(client, business_manager, review.partnership)
    (before,) = read_feed(client, path).walk("VEVENT")

    services.cancel_event(event, reason="The venue is closed.", cancelled_by=business_manager)
    (after,) = read_feed(client, path).walk("VEVENT")

    assert str(before["UID"]) == str(after["UID"]) == f"feed-{event.uid}@convene"
    assert str(after["STATUS"]) == "CANCELLED"
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")


def test_the_feed_holds_only_the_partnerships_events_the_holder_may_see(
    client, reviewer, review, partnership, other_partnership, frozen
):
    make_event(review)
    make_event(other_review(other_partnership))
    not_theirs = Review.objects.create(
        partnership=partnership,
        review_type=Review.Type.CSPR,
        reference="CSPR 2026/02",
        pseudonym="Child F",
        scope_start=date(2025, 1, 1),
        scope_end=date(2025, 12, 31),
    )
    make_event(not_theirs)
    path = make_feed(client, reviewer, partnership)
    summaries = [str(entry["SUMMARY"]) for entry in read_feed(client, path).walk("VEVENT")]
    assert summaries == ["Practitioner event: CSPR 2026/01 (Child A)"]


def test_only_the_secret_hash_is_kept_and_the_address_is_shown_once(client, business_manager, partnership):
    path = make_feed(client, business_manager, partnership)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=business_manager, partnership=partnership)
    assert feed.token_hash != token and token not in feed.token_hash
    client.force_login(business_manager)
    page = client.get(feed_settings_url(partnership)).content.decode()
    assert token not in page
    assert "Get a new address" in page
    entry = AuditEntry.objects.get(action="calendar_feed.created")
    assert entry.actor == business_manager and entry.partnership == partnership
    assert token not in str(entry.detail)


def test_resetting_the_address_stops_the_old_one(client, business_manager, partnership):
    old = make_feed(client, business_manager, partnership)
    new = make_feed(client, business_manager, partnership)
    assert old != new
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert CalendarFeed.objects.filter(user=business_manager).count() == 1
    assert AuditEntry.objects.filter(action="calendar_feed.reset", actor=business_manager).count() == 1


def test_stopping_the_feed(client, business_manager, partnership):
    path = make_feed(client, business_manager, partnership)
    response = client.post(feed_settings_url(partnership), {"action": "stop"}, follow=True)
    assert "Your calendar feed is stopped" in response.content.decode()
    client.logout()
    assert client.get(path).status_code == 404
    assert AuditEntry.objects.filter(action="calendar_feed.stopped").count() == 1


def test_a_feed_works_only_for_its_own_partnership_and_its_holders_time_on_the_staff(
    client, business_manager, partnership, other_partnership
):
    path = make_feed(client, business_manager, partnership)
    client.logout()
    assert client.get(path.replace(f"/p/{partnership.slug}/", f"/p/{other_partnership.slug}/")).status_code == 404
    assert client.get(path.replace(".ics", "x.ics")).status_code == 404
    Membership.objects.filter(user=business_manager).delete()
    assert client.get(path).status_code == 404


def test_a_removed_member_of_staff_loses_their_feed(client, business_manager, reviewer, partnership):
    from partnerships import services as staff

    path = make_feed(client, reviewer, partnership)
    membership = Membership.objects.get(user=reviewer, partnership=partnership)
    staff.remove_staff_member(membership=membership, removed_by=business_manager)
    assert not CalendarFeed.objects.filter(user=reviewer).exists()
    client.logout()
    assert client.get(path).status_code == 404


def test_an_unknown_choice_changes_nothing(client, business_manager, partnership):
    client.force_login(business_manager)
    response = client.post(feed_settings_url(partnership), {"action": "delete-everything"}, follow=True)
    assert "Choose whether to get a new address or stop the feed" in response.content.decode()
    assert not CalendarFeed.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="calendar_feed.").exists()


def test_events_long_past_are_left_out(client, business_manager, review, frozen):
    make_event(
        review,
        starts_at=datetime(2025, 6, 1, 10, tzinfo=LONDON),
        ends_at=datetime(2025, 6, 1, 12, tzinfo=LONDON),
    )
    recent = datetime(2026, 10, 1, 10, tzinfo=LONDON)
    make_event(review, starts_at=recent, ends_at=recent + timedelta(hours=2))
    path = make_feed(client, business_manager, review.partnership)
    starts = [entry.decoded("DTSTART") for entry in read_feed(client, path).walk("VEVENT")]
    assert starts == [recent]
    assert Event.objects.count() == 2
