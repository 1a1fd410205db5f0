"""The event page: details, the invitee list, counts and places; read-only for the assigned reviewer."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event, Invitation
from events.services import upcoming_events_for
from practitioners.models import Practitioner
from tests.events.conftest import invite, make_event, make_practitioners

pytestmark = pytest.mark.usefixtures("frozen")

# Session, user, authenticator, event, partnership, review, counts by reply, page count, role (for
# the buttons and for the navigation), themes, counts by agency and the page of invitees: 13 today,
# with a little room for the shared layout to grow (the reviewer-notes check and the summary
# release are two more). An N+1 on the list would add hundreds.
MAX_QUERIES = 18


def detail_url(event):
    return reverse("events:event_detail", args=[event.review.partnership.slug, event.pk])


def fill(event, partnership, agencies, count):
    """`count` invitees spread over the agencies, with every reply status."""
    statuses = list(Invitation.Status)
    people = []
    for index, agency in enumerate(agencies):
        share = count // len(agencies) + (1 if index < count % len(agencies) else 0)
        people += make_practitioners(partnership, agency, share, start=len(people))
    Invitation.objects.bulk_create(
        Invitation(event=event, practitioner=person, status=statuses[n % len(statuses)])
        for n, person in enumerate(people)
    )
    return people


@pytest.mark.django_db
def test_the_page_shows_the_details_the_list_and_the_counts(bm_client, partnership, event, sam, lee, themes):
    event.learning_themes.set([themes[0]])
    invite(event, sam, Invitation.Status.ACCEPTED)
    invite(event, lee, Invitation.Status.DECLINED)
    response = bm_client.get(detail_url(event))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "Tuesday 8 December 2026, 10am to 1pm" in page
    assert "Tuesday 24 November 2026" in page
    assert "Northvale Civic Centre" in page
    assert "Information sharing" in page
    assert "1 of 40" in page
    assert "Sam Green" in page and "Detective constable" in page and "sam.green@police.example" in page
    assert '<strong class="govuk-tag govuk-tag--green">Attending</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--red">Not attending</strong>' in page
    assert "<caption" in page
    assert ' style="' not in page
    counts = dict((status, count) for status, _, count in response.context["by_status"])
    assert counts == {"not_sent": 0, "invited": 0, "accepted": 1, "declined": 1}
    by_agency = {
        row["practitioner__agency__name"]: (row["invited"], row["attending"]) for row in response.context["by_agency"]
    }
    assert by_agency == {"Northvale Police": (1, 1), "Northvale Health Trust": (1, 0)}
    # The business manager can change things; the hidden text says what each link changes.
    assert 'Change<span class="govuk-visually-hidden"> date and time</span>' in page
    assert "Add people from the directory" in page
    assert "Cancel this event" in page


@pytest.mark.django_db
def test_only_people_not_yet_sent_an_invitation_have_a_remove_button(bm_client, event, sam, lee):
    not_sent = invite(event, sam)
    sent = invite(event, lee, Invitation.Status.INVITED)
    page = bm_client.get(detail_url(event)).content.decode()
    assert reverse("events:invitee_remove", args=["northvale", event.pk, not_sent.pk]) in page
    assert reverse("events:invitee_remove", args=["northvale", event.pk, sent.pk]) not in page
    assert 'Remove<span class="govuk-visually-hidden"> Sam Green from the list</span>' in page


@pytest.mark.django_db
def test_the_assigned_reviewer_sees_the_page_without_managing_it(client, reviewer, event, sam):
    invite(event, sam)
    client.force_login(reviewer)
    response = client.get(detail_url(event))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sam Green" in page
    assert "Add people from the directory" not in page
    assert "Cancel this event" not in page
    # The reviewer changes only what the event is (its agenda, facilitator and themes), on a page of its own.
    changes = re.findall(r'href="([^"#]+)(?:#[^"]*)?">Change<', page)
    assert set(changes) == {reverse("events:event_outline", args=["northvale", event.pk])}
    assert "invitees/" not in page


@pytest.mark.django_db
def test_who_may_see_the_event_page(client, event, unassigned_reviewer, outsider, other_partnership):
    url = detail_url(event)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    for user in (outsider, unassigned_reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("events:event_detail", args=[other_partnership.slug, event.pk])).status_code == 404
    assert client.get(reverse("events:event_detail", args=["northvale", 999999])).status_code == 404


@pytest.mark.django_db
def test_a_cancelled_event_shows_the_reason_and_offers_no_changes(bm_client, review):
    event = make_event(review, status=Event.Status.CANCELLED, cancellation_reason="The venue flooded.")
    page = bm_client.get(detail_url(event)).content.decode()
    assert "The venue flooded." in page
    assert '<strong class="govuk-tag govuk-tag--red">Cancelled</strong>' in page
    assert "Add people from the directory" not in page
    assert "Cancel this event" not in page


@pytest.mark.django_db
def test_an_online_event_shows_how_to_join_and_no_venue(bm_client, review):
    event = make_event(review, format=Event.Format.ONLINE, venue_name="", joining_link="https://meet.example/x")
    page = bm_client.get(detail_url(event)).content.decode()
    assert "https://meet.example/x" in page
    assert "Access information" not in page


@pytest.mark.parametrize("count", [5, 300])
@pytest.mark.django_db
def test_the_page_runs_the_same_number_of_queries_whatever_the_lists_length(
    bm_client, partnership, event, agency, health, django_assert_max_num_queries, count
):
    fill(event, partnership, [agency, health], count)
    bm_client.get(detail_url(event))  # the first request of a session also saves it
    with django_assert_max_num_queries(MAX_QUERIES):
        response = bm_client.get(detail_url(event))
    assert response.status_code == 200
    rows = response.content.decode().count('<td class="govuk-table__cell">Social worker</td>')
    assert rows == min(count, 100)
    assert sum(c for _, _, c in response.context["by_status"]) == count


@pytest.mark.django_db
def test_5_and_300_invitees_take_exactly_the_same_queries(bm_client, partnership, review, agency, health):
    small, large = make_event(review, title="Small"), make_event(review, title="Large")
    fill(small, partnership, [agency, health], 5)
    Invitation.objects.bulk_create(
        Invitation(event=large, practitioner=person, status=Invitation.Status.ACCEPTED)
        for person in make_practitioners(partnership, health, 300, start=1000)
    )
    bm_client.get(detail_url(small))
    counts = []
    for event in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert bm_client.get(detail_url(event)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_the_list_is_paginated_past_100(bm_client, partnership, event, agency, health):
    fill(event, partnership, [agency, health], 250)
    first = bm_client.get(detail_url(event)).content.decode()
    assert "1 to 100 of 250" in first
    assert 'aria-label="Pages of invitees"' in first
    last = bm_client.get(detail_url(event), {"page": 3}).content.decode()
    assert "201 to 250 of 250" in last
    assert last.count('<td class="govuk-table__cell">Social worker</td>') == 50
    names = sorted(Practitioner.objects.values_list("full_name", flat=True))
    assert names[-1] in last and names[0] not in last
    assert bm_client.get(detail_url(event), {"page": "nonsense"}).status_code == 200
    assert bm_client.get(detail_url(event), {"page": "9999"}).status_code == 200


@pytest.mark.django_db
def test_the_directory_page_also_runs_a_fixed_number_of_queries(
    bm_client, partnership, event, agency, django_assert_max_num_queries
):
    fill(event, partnership, [agency], 120)
    bm_client.get(reverse("events:invitee_add", args=[partnership.slug, event.pk]))
    with django_assert_max_num_queries(MAX_QUERIES):
        response = bm_client.get(reverse("events:invitee_add", args=[partnership.slug, event.pk]))
    assert response.status_code == 200


@pytest.mark.django_db
def test_upcoming_events_leave_out_cancelled_past_and_unassigned_ones(
    partnership, review, reviewer, unassigned_reviewer, business_manager
):
    soon = make_event(review, title="Soon")
    make_event(review, title="Cancelled", status=Event.Status.CANCELLED)
    make_event(
        review,
        title="Over",
        starts_at=soon.starts_at.replace(year=2025),
        ends_at=soon.ends_at.replace(year=2025),
    )
    assert list(upcoming_events_for(business_manager, partnership)) == [soon]
    assert list(upcoming_events_for(reviewer, partnership)) == [soon]
    assert list(upcoming_events_for(unassigned_reviewer, partnership)) == []
