"""The partnership's overview: every review's progress, and the deadlines due or overdue."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Recommendation
from events.models import Event, Invitation
from practitioners.models import Agency, NominationRequest, Practitioner
from reports.models import Checker, Circulation, ReportVersion
from reviews.models import Review

LONDON = ZoneInfo("Europe/London")


def make_review(partnership, n, **fields):
    values = {
        "review_type": Review.Type.CSPR,
        "reference": f"CSPR 2027-{n:02d}",
        "pseudonym": f"Child {n}",
        "scope_start": date(2025, 1, 1),
        "scope_end": date(2025, 12, 31),
    } | fields
    return Review.objects.create(partnership=partnership, **values)


def populate(partnership, count, *, reviewer=None, now=None):
    """`count` reviews, each with a held event and one to come, invitations, an open check and actions."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    agency = Agency.objects.get_or_create(partnership=partnership, name="Northvale Police")[0]
    people = [
        Practitioner.objects.get_or_create(
            partnership=partnership,
            email=f"officer{n}@police.example",
            defaults={"full_name": f"Officer {n}", "job_title": "Detective constable", "agency": agency},
        )[0]
        for n in range(3)
    ]
    reviews = []
    for n in range(count):
        review = make_review(
            partnership,
            n + 1,
            status=Review.Status.FACTUAL_ACCURACY,
            incident_notified_on=today - timedelta(days=60),
            commissioned_on=today - timedelta(days=40),
        )
        if reviewer is not None:
            review.reviewers.add(reviewer)
        held = Event.objects.create(
            review=review,
            title="Practitioner event",
            starts_at=now - timedelta(days=20, hours=3),
            ends_at=now - timedelta(days=20),
            capacity=30,
            rsvp_deadline=today - timedelta(days=30),
            status=Event.Status.HELD,
        )
        to_come = Event.objects.create(
            review=review,
            title="Second practitioner event",
            starts_at=now + timedelta(days=10),
            ends_at=now + timedelta(days=10, hours=3),
            capacity=30,
            rsvp_deadline=today + timedelta(days=5),
            status=Event.Status.INVITATIONS_SENT,
        )
        Invitation.objects.create(event=held, practitioner=people[0], status=Invitation.Status.ACCEPTED)
        Invitation.objects.create(event=to_come, practitioner=people[0], status=Invitation.Status.ACCEPTED)
        Invitation.objects.create(event=to_come, practitioner=people[1], status=Invitation.Status.INVITED)
        Invitation.objects.create(event=to_come, practitioner=people[2], status=Invitation.Status.INVITED)
        version = ReportVersion.objects.create(review=review, number=1, source=ReportVersion.Source.PDF)
        circulation = Circulation.objects.create(
            review=review, version=version, working_days=10, deadline=today + timedelta(days=5)
        )
        Checker.objects.create(
            circulation=circulation,
            role=Checker.Role.ATTENDEE,
            name="Officer 0",
            email=people[0].email,
            responded_at=now,
        )
        Checker.objects.create(
            circulation=circulation, role=Checker.Role.ATTENDEE, name="Officer 1", email=people[1].email
        )
        recommendation = Recommendation.objects.create(review=review, number=1, text="Share information sooner.")
        for due, status in [
            (-3, Action.Status.IN_PROGRESS),
            (-1, Action.Status.COMPLETE),
            (20, Action.Status.NOT_STARTED),
        ]:
            Action.objects.create(
                recommendation=recommendation,
                description="Refresh the training.",
                agency=agency,
                lead_name="Training lead",
                created_on=today - timedelta(days=60),
                due_date=today + timedelta(days=due),
                status=status,
            )
        NominationRequest.objects.create(
            review=review,
            agency=agency,
            token_hash=f"{review.pk:064d}",
            token_expires_at=now + timedelta(days=30),
            deadline=today + timedelta(days=7),
        )
        reviews.append(review)
    return reviews


def overview(client, partnership, user):
    client.force_login(user)
    return client.get(reverse("overview:partnership_overview", args=[partnership.slug]))


@pytest.mark.django_db
def test_every_review_with_its_progress_open_ones_first(client, partnership, business_manager):
    closed = make_review(partnership, 90, status=Review.Status.CLOSED)
    (review,) = populate(partnership, 1)
    response = overview(client, partnership, business_manager)
    assert response.context["reviews"] == [review, closed]
    row = response.context["reviews"][0]
    assert (row.events_held, row.events_to_come, row.replies_outstanding) == (1, 1, 2)
    assert (row.check_responded, row.check_asked) == (1, 2)
    assert row.actions_overdue == 1
    html = response.content.decode()
    assert "1 held" in html and "1 to come" in html
    assert "1 of 2 replied" in html
    assert "1 action in the action plan of" in html
    assert "Closed" in html


@pytest.mark.django_db
def test_a_cancelled_event_and_a_closed_check_are_not_counted(client, partnership, business_manager):
    (review,) = populate(partnership, 1)
    review.events.filter(title="Second practitioner event").update(status=Event.Status.CANCELLED)
    Circulation.objects.filter(review=review).update(closed_at=timezone.now())
    row = overview(client, partnership, business_manager).context["reviews"][0]
    assert (row.events_held, row.events_to_come, row.replies_outstanding) == (1, 0, 0)
    assert (row.check_deadline, row.check_asked) == (None, 0)


@pytest.mark.django_db
def test_overdue_and_due_soon_deadlines(client, partnership, business_manager):
    overdue = make_review(partnership, 1, incident_notified_on=date(2026, 12, 14))
    soon = make_review(partnership, 2, incident_notified_on=date(2026, 12, 21))
    later = make_review(partnership, 3, commissioned_on=date(2026, 12, 1))
    done = make_review(
        partnership,
        4,
        incident_notified_on=date(2026, 12, 1),
        rapid_review_sent_on=date(2026, 12, 10),
        status=Review.Status.GATHERING,
    )
    version = ReportVersion.objects.create(review=later, number=1, source=ReportVersion.Source.PDF)
    Circulation.objects.create(review=later, version=version, working_days=10, deadline=date(2027, 1, 11))
    # Monday 11 January 2027. The rapid review of the first was due on Thursday 7 January (Christmas,
    # the Boxing Day substitute and New Year's Day do not count); the second's is due on 14 January.
    with time_machine.travel(datetime(2027, 1, 11, 8, 30, tzinfo=LONDON), tick=False):
        response = overview(client, partnership, business_manager)
    overdue_clocks = response.context["clocks_overdue"]
    due_soon = response.context["clocks_due_soon"]
    assert [(c.review, c.name) for c in overdue_clocks] == [(overdue, "Rapid review")]
    assert [(c.review, c.name) for c in due_soon] == [
        (later, "Factual-accuracy comments"),
        (soon, "Rapid review"),
    ]
    assert done not in {c.review for c in overdue_clocks + due_soon}
    html = response.content.decode()
    assert "Rapid review, due Thursday 7 January 2027 (2 working days overdue)" in html
    assert "Rapid review, due Thursday 14 January 2027 (3 working days left)" in html
    assert "Factual-accuracy comments, due Monday 11 January 2027 (due today)" in html
    # The completion target six months on is not due in the next two weeks.
    assert "Review completed and published" in html
    assert not [c for c in overdue_clocks + due_soon if c.name == "Review completed and published"]


@pytest.mark.django_db
def test_a_reviewer_sees_only_their_reviews(client, partnership, reviewer, other_partnership, outsider):
    mine = populate(partnership, 2, reviewer=reviewer)
    make_review(partnership, 80)
    response = overview(client, partnership, reviewer)
    assert set(response.context["reviews"]) == set(mine)
    assert "Create a review" not in response.content.decode()
    assert overview(client, partnership, outsider).status_code == 404


@pytest.mark.django_db
def test_nothing_chases_a_signed_off_review_s_events_or_nominations(client, partnership, business_manager):
    chased, signed_off = populate(partnership, 2)
    Review.objects.filter(pk=signed_off.pk).update(status=Review.Status.SIGNED_OFF)

    response = overview(client, partnership, business_manager)

    rows = {row.pk: row for row in response.context["reviews"]}
    assert (rows[chased.pk].replies_outstanding, rows[signed_off.pk].replies_outstanding) == (2, 0)
    for chasing in ("upcoming_events", "events_this_fortnight", "events_awaiting_replies"):
        assert [event["review__reference"] for event in response.context[chasing]] == [chased.reference]
    assert [request["review_id"] for request in response.context["agencies_not_nominated"]] == [chased.pk]
    html = response.content.decode()
    assert html.count("has not named anyone for") == 1
    assert html.count("have not replied; replies are due by") == 1


@pytest.mark.django_db
def test_at_a_hybrid_event_those_online_take_none_of_the_rooms_places(client, partnership, business_manager):
    now = timezone.now()
    [review] = populate(partnership, 1, now=now)
    event = review.events.get(status=Event.Status.INVITATIONS_SENT)
    Event.objects.filter(pk=event.pk).update(format=Event.Format.HYBRID, capacity=2, starts_at=now + timedelta(days=5))
    agency = Agency.objects.get(partnership=partnership)
    for n, joining in enumerate(["in_room", "online", "online"]):
        person = Practitioner.objects.create(
            partnership=partnership, full_name=f"Hybrid {n}", email=f"hybrid{n}@police.example", agency=agency
        )
        Invitation.objects.create(event=event, practitioner=person, status=Invitation.Status.ACCEPTED, joining=joining)
    Invitation.objects.filter(event=event, status="accepted", joining="").update(joining="in_room")  # accepted before

    page = overview(client, partnership, business_manager).content.decode()
    # 4 attending: the 2 in the room fill its 2 places; the 2 online are on top.
    assert "4 attending: 2 of 2 places in the room, 2 online." in page
    assert '2 of 2 <span class="convene-block">and 2 online</span>' in page
