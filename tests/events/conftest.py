"""Fixtures for events: a review with a real name on record, its reviewer, a directory and an event."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.models import Membership
from events.models import Event, Invitation
from practitioners.models import Agency, Practitioner
from reviews.models import LearningTheme, Review
from tests.conftest import make_staff

LONDON = ZoneInfo("Europe/London")
# A Monday morning a few weeks before the event in `event`.
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)
REAL_NAME = "Amelia Jo Hart-Smith"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def review(partnership, reviewer):
    """Overrides the shared review: a real name in three parts (one too short to check) and no themes."""
    review = Review(
        partnership=partnership,
        review_type=Review.Type.CSPR,
        reference="CSPR 2026/01",
        pseudonym="Child A",
        scope_start=date(2025, 1, 1),
        scope_end=date(2025, 12, 31),
    )
    review.set_subject_name(REAL_NAME)
    review.save()
    review.reviewers.add(reviewer)
    return review


@pytest.fixture
def themes(review):
    return [
        LearningTheme.objects.create(review=review, title="Information sharing", position=0),
        LearningTheme.objects.create(review=review, title="Hearing the voice of the child", position=1),
    ]


@pytest.fixture
def unassigned_reviewer(partnership):
    return make_staff("nadia@northvale.example", "Nadia Rahman", partnership, Membership.Role.REVIEWER)


def make_event(review, **overrides):
    values = {
        "title": "Practitioner learning event for Child A",
        "starts_at": datetime(2026, 12, 8, 10, 0, tzinfo=LONDON),
        "ends_at": datetime(2026, 12, 8, 13, 0, tzinfo=LONDON),
        "format": Event.Format.IN_PERSON,
        "venue_name": "Northvale Civic Centre",
        "venue_address": "1 High Street\nNorthvale",
        "access_information": "Step-free entrance at the side of the building.",
        "capacity": 40,
        "rsvp_deadline": date(2026, 11, 24),
    } | overrides
    return Event.objects.create(review=review, **values)


@pytest.fixture
def event(review):
    return make_event(review)


@pytest.fixture
def agency(partnership):
    return Agency.objects.create(partnership=partnership, name="Northvale Police", agency_type=Agency.Type.POLICE)


@pytest.fixture
def health(partnership):
    return Agency.objects.create(partnership=partnership, name="Northvale Health Trust", agency_type=Agency.Type.HEALTH)


def make_practitioners(partnership, agency, count, *, start=0):
    return Practitioner.objects.bulk_create(
        Practitioner(
            partnership=partnership,
            full_name=f"Person {n:04d}",
            job_title="Social worker",
            agency=agency,
            email=f"person{n:04d}@northvale.example",
        )
        for n in range(start, start + count)
    )


@pytest.fixture
def sam(partnership, agency):
    return Practitioner.objects.create(
        partnership=partnership,
        full_name="Sam Green",
        job_title="Detective constable",
        agency=agency,
        email="sam.green@police.example",
    )


@pytest.fixture
def lee(partnership, health):
    return Practitioner.objects.create(
        partnership=partnership,
        full_name="Lee Patel",
        job_title="Health visitor",
        agency=health,
        email="lee.patel@health.example",
    )


def invite(event, practitioner, status=Invitation.Status.NOT_SENT):
    return Invitation.objects.create(event=event, practitioner=practitioner, status=status)
