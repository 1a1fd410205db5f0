"""A business manager schedules a practitioner event from a review; bad input is refused at the field."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from core.models import AuditEntry
from events.models import Event
from reviews.models import LearningTheme, Review
from tests.conftest import make_staff
from tests.events.conftest import LONDON, REAL_NAME

pytestmark = pytest.mark.usefixtures("frozen")

TITLE_MESSAGE = "The title must not contain the real name of the child or adult. Use the pseudonym, such as Child A."


def event_data(**overrides):
    return {
        "title": "Practitioner learning event for Child A",
        "date_0": "8",
        "date_1": "12",
        "date_2": "2026",
        "start_time": "10am",
        "end_time": "1pm",
        "format": "in_person",
        "venue_name": "Northvale Civic Centre",
        "venue_address": "1 High Street\nNorthvale",
        "access_information": "Step-free entrance at the side.",
        "joining_link": "",
        "joining_details": "",
        "chair": "",
        "facilitator": "",
        "capacity": "40",
        "rsvp_deadline_0": "24",
        "rsvp_deadline_1": "11",
        "rsvp_deadline_2": "2026",
        "agenda": "",
    } | overrides


def add_url(partnership, review):
    return reverse("events:event_add", args=[partnership.slug, review.pk])


def post(client, partnership, review, **overrides):
    return client.post(add_url(partnership, review), event_data(**overrides))


def errors(response):
    return {name: list(messages) for name, messages in response.context["form"].errors.items()}


@pytest.mark.django_db
def test_the_form_offers_the_reviews_reviewers_and_themes(bm_client, partnership, review, reviewer, themes):
    response = bm_client.get(add_url(partnership, review))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "Add a practitioner event" in page
    assert reviewer.full_name in page
    assert "Hearing the voice of the child" in page
    assert 'name="date_0"' in page and 'name="rsvp_deadline_2"' in page
    assert "<legend" in page
    assert ' style="' not in page


@pytest.mark.django_db
def test_creating_an_event_stores_london_times_and_is_audited(
    bm_client, partnership, review, reviewer, themes, business_manager
):
    response = post(
        bm_client,
        partnership,
        review,
        chair=str(reviewer.pk),
        facilitator="Jan Price",
        learning_themes=[str(themes[1].pk)],
        agenda="10am welcome",
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:event_detail", args=[partnership.slug, event.pk])
    assert event.starts_at == datetime(2026, 12, 8, 10, 0, tzinfo=UTC)  # GMT in December
    assert event.ends_at == datetime(2026, 12, 8, 13, 0, tzinfo=UTC)
    assert event.rsvp_deadline.isoformat() == "2026-11-24"
    assert event.chair == reviewer
    assert list(event.learning_themes.all()) == [themes[1]]
    assert event.status == Event.Status.DRAFT
    assert event.sequence == 0
    assert event.created_by == business_manager
    entry = AuditEntry.objects.get(action="event.created")
    assert entry.actor == business_manager and entry.partnership == partnership
    assert entry.object_id == str(event.pk)

    page = bm_client.get(response["Location"]).content.decode()
    assert "Tuesday 8 December 2026, 10am to 1pm" in page


@pytest.mark.django_db
def test_summer_times_are_british_summer_time(bm_client, partnership, review):
    post(bm_client, partnership, review, date_0="16", date_1="6", date_2="2027", start_time="9:30am", end_time="midday")
    event = Event.objects.get()
    assert event.starts_at == datetime(2027, 6, 16, 8, 30, tzinfo=UTC)
    assert event.ends_at == datetime(2027, 6, 16, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "hour", "minute"),
    [("10:00", 10, 0), ("2pm", 14, 0), ("2:30 PM", 14, 30), ("14:30", 14, 30), ("9.15am", 9, 15), ("midday", 12, 0)],
)
@pytest.mark.django_db
def test_times_can_be_typed_the_way_people_write_them(bm_client, partnership, review, typed, hour, minute):
    post(bm_client, partnership, review, start_time=typed, end_time="11pm")
    event = Event.objects.get()
    assert event.starts_at.astimezone(LONDON).time().replace(second=0) == datetime(2000, 1, 1, hour, minute).time()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_time": "9am"}, "end_time", "The end time must be after the start time"),
        ({"end_time": "10am"}, "end_time", "The end time must be after the start time"),
        ({"date_0": "30", "date_1": "10", "date_2": "2026"}, "date", "The date of the event must be in the future"),
        ({"date_0": "2", "date_1": "11", "date_2": "2026", "start_time": "8am"}, "start_time",
         "The start time must be in the future"),
        ({"rsvp_deadline_0": "9", "rsvp_deadline_1": "12"}, "rsvp_deadline",
         "The reply-by date must be on or before the date of the event"),
        ({"rsvp_deadline_0": "1", "rsvp_deadline_1": "11"}, "rsvp_deadline",
         "The reply-by date must be today or in the future"),
        ({"date_0": "31", "date_1": "2"}, "date", "The date of the event must be a real date"),
        ({"date_1": ""}, "date", "The date of the event must include a month"),
        ({"date_0": "", "date_1": "", "date_2": ""}, "date", "Enter the date of the event"),
        ({"date_2": "26"}, "date", "The year of the date of the event must include 4 numbers, like 2027"),
        ({"date_0": "first"}, "date", "The date of the event must be a real date"),
        ({"start_time": "later"}, "start_time", "Enter the start time as a time of day, like 10am, 2:30pm or 14:30"),
        ({"start_time": "25:00"}, "start_time", "Enter the start time as a time of day, like 10am, 2:30pm or 14:30"),
        ({"end_time": "13pm"}, "end_time", "Enter the end time as a time of day, like 10am, 2:30pm or 14:30"),
        ({"end_time": ""}, "end_time", "Enter the end time"),
        ({"date_0": "28", "date_1": "3", "date_2": "2027", "start_time": "1:30am", "end_time": "3am",
          "rsvp_deadline_1": "3", "rsvp_deadline_2": "2027"}, "start_time",
         "The clocks go forward at that time on that day. Enter a different time"),
        ({"venue_name": ""}, "venue_name", "Enter the name of the venue"),
        ({"format": "hybrid", "venue_address": ""}, "venue_address", "Enter the address of the venue"),
        ({"access_information": " "}, "access_information",
         "Enter access information for the venue, such as step-free access"),
        ({"format": "online"}, "joining_link", "Enter the joining link for the online meeting, starting https://"),
        ({"format": "hybrid"}, "joining_link", "Enter the joining link for the online meeting, starting https://"),
        ({"format": "by carrier pigeon"}, "format", "Choose how people will attend"),
        ({"capacity": "0"}, "capacity", "The number of places must be 1 or more"),
        ({"capacity": "lots"}, "capacity", "The number of places must be a whole number, like 30"),
        ({"capacity": "99999999999999999999"}, "capacity", "The number of places must be 1,000 or fewer"),
        ({"title": ""}, "title", "Enter a title for the event"),
        ({"chair": "999999"}, "chair", "Choose a chair from the list"),
    ],
)  # fmt: skip
@pytest.mark.django_db
def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(
    bm_client, partnership, review, overrides, field, message
):
    response = post(bm_client, partnership, review, **overrides)
    assert response.status_code == 200
    assert message in errors(response)[field]
    page = response.content.decode()
    assert page.count("govuk-error-summary__title") == 1
    assert "<title>Error: " in page
    assert not Event.objects.exists()
    assert not AuditEntry.objects.filter(action="event.created").exists()


@pytest.mark.parametrize(
    "title",
    [
        f"Learning event for {REAL_NAME}",
        "Learning event for AMELIA",
        "Event about hart-smith",
        "Event about Smith",
        "Hart event",
        "Learning event (Amelia)",
    ],
)
@pytest.mark.django_db
def test_a_title_with_the_real_name_is_refused_without_echoing_it(bm_client, partnership, review, title):
    response = post(bm_client, partnership, review, title=title)
    assert errors(response)["title"] == [TITLE_MESSAGE]
    page = response.content.decode()
    # The page shows what was typed and nothing more of the name.
    for part in ("Amelia", "Hart-Smith"):
        if part.lower() not in title.lower():
            assert part not in page
    assert REAL_NAME not in page or REAL_NAME in title
    assert not Event.objects.exists()


@pytest.mark.parametrize("title", ["Jo's team event", "Smithfield practitioners", "Event at Hartley House"])
@pytest.mark.django_db
def test_short_parts_and_longer_words_are_not_mistaken_for_the_name(bm_client, partnership, review, title):
    response = post(bm_client, partnership, review, title=title)
    assert response.status_code == 302
    assert Event.objects.get().title == title


@pytest.mark.django_db
def test_a_chair_must_be_one_of_the_reviews_reviewers(bm_client, partnership, review, unassigned_reviewer):
    response = post(bm_client, partnership, review, chair=str(unassigned_reviewer.pk))
    assert errors(response)["chair"] == ["Choose a chair from the list"]
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_themes_come_only_from_this_review(bm_client, partnership, review, themes):
    other = Review.objects.create(
        partnership=partnership,
        review_type=Review.Type.SAR,
        reference="SAR 2026/02",
        pseudonym="Adult B",
        scope_start=review.scope_start,
        scope_end=review.scope_end,
    )
    stranger = LearningTheme.objects.create(review=other, title="Self-neglect")
    response = post(bm_client, partnership, review, learning_themes=[str(stranger.pk)])
    assert errors(response)["learning_themes"] == ["Choose learning themes from the list"]
    response = post(bm_client, partnership, review, learning_themes=["not-a-number"])
    assert errors(response)["learning_themes"] == ["Choose learning themes from the list"]
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_online_events_drop_venue_details(bm_client, partnership, review):
    post(bm_client, partnership, review, format="online", joining_link="HTTPS://meet.example/abc")
    event = Event.objects.get()
    assert event.venue_name == "" and event.venue_address == "" and event.access_information == ""
    assert event.joining_link == "https://meet.example/abc"


@pytest.mark.django_db
def test_who_may_add_an_event(client, partnership, review, reviewer, unassigned_reviewer, outsider):
    url = add_url(partnership, review)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.post(url, event_data()).status_code == 302

    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, event_data()).status_code == 404

    client.force_login(unassigned_reviewer)
    assert client.get(url).status_code == 404
    assert client.post(url, event_data()).status_code == 404

    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    assert client.post(url, event_data()).status_code == 403
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_a_review_of_another_partnership_is_not_found(client, partnership, other_partnership, review):
    manager = make_staff("bm@eastmere.example", "Ola Ade", other_partnership, "business_manager")
    client.force_login(manager)
    assert client.get(reverse("events:event_add", args=[other_partnership.slug, review.pk])).status_code == 404


@pytest.mark.django_db
def test_without_a_real_name_on_record_any_title_is_allowed(bm_client, partnership, review):
    review.set_subject_name("")
    review.save()
    response = post(bm_client, partnership, review, title="Learning event for Amelia")
    assert response.status_code == 302
