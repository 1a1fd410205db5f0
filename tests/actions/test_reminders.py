"""Overdue actions: one reminder a week to the lead (or the agency's action owner), sent once, from the sweep."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from actions import reminders as sweep
from actions import services
from actions.models import Action, AgencyLink
from actions.reminders import overdue_reminders
from notifications.models import OutboundMessage
from reviews.models import Review
from tests.actions.conftest import action_data

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
CREATED = date(2027, 1, 4)
DUE = date(2027, 2, 1)  # a Monday


def at(day, hour=7):
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


@pytest.fixture
def actions(recommendation, police, health, business_manager):
    """Added on 4 January 2027, due 1 February: the police's with a lead email, the health trust's without."""
    with time_machine.travel(at(CREATED, 10), tick=False):
        with_email = services.add_action(recommendation, data=action_data(police, due_date=DUE), by=business_manager)
        without_email = services.add_action(
            recommendation,
            data=action_data(health, lead_email="", lead_name="Dr Ade Bello", due_date=DUE),
            by=business_manager,
        )
    return with_email, without_email


def run_on(day, django_capture_on_commit_callbacks, *, whole_sweep=False):
    now = at(day)
    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
        if whole_sweep:
            return sweep.run(now)
        return overdue_reminders(now)


def reminders():
    return list(OutboundMessage.objects.filter(kind="action_overdue").order_by("id"))


def test_nothing_is_sent_on_or_before_the_due_date(actions, django_capture_on_commit_callbacks):
    assert run_on(DUE, django_capture_on_commit_callbacks) == 0
    assert reminders() == []


def test_the_lead_is_reminded_once_in_each_week_overdue(actions, django_capture_on_commit_callbacks):
    police_action, _ = actions
    run_on(date(2027, 2, 2), django_capture_on_commit_callbacks)
    (first,) = reminders()
    assert first.recipient == "sam.reid@agency.example"
    assert first.idempotency_key == f"reminder:action_overdue:{police_action.pk}:1"
    assert "CSPR 2026-01" in first.subject and "Child B" in first.subject
    assert "Monday 1 February 2027" in first.body_text and "recommendation 1" in first.body_text
    # Nothing identifying: neither the real name nor the action's own words.
    assert "Alex" not in first.subject + first.body_text + first.body_html
    assert "briefing" not in first.body_text

    # The same week, however often the sweep runs: nothing more.
    for day in (date(2027, 2, 2), date(2027, 2, 5), date(2027, 2, 8)):
        run_on(day, django_capture_on_commit_callbacks)
    assert len(reminders()) == 1

    # The next week: one more, and only one.
    run_on(date(2027, 2, 9), django_capture_on_commit_callbacks)
    run_on(date(2027, 2, 12), django_capture_on_commit_callbacks)
    assert [m.idempotency_key for m in reminders()] == [
        f"reminder:action_overdue:{police_action.pk}:1",
        f"reminder:action_overdue:{police_action.pk}:2",
    ]
    assert "reminder 2" in reminders()[-1].body_text


def test_without_a_lead_email_the_agency_link_owner_is_reminded(
    actions, review, health, business_manager, django_capture_on_commit_callbacks
):
    _, health_action = actions
    run_on(date(2027, 2, 2), django_capture_on_commit_callbacks)
    assert [m.recipient for m in reminders()] == ["sam.reid@agency.example"]  # nobody to tell for the trust yet
    AgencyLink.objects.create(review=review, agency=health, name="Lin Park", email="lin.park@health.example")
    run_on(date(2027, 2, 3), django_capture_on_commit_callbacks)
    assert reminders()[-1].recipient == "lin.park@health.example"
    assert reminders()[-1].idempotency_key == f"reminder:action_overdue:{health_action.pk}:1"


def test_complete_actions_are_not_reminded(actions, business_manager, django_capture_on_commit_callbacks):
    police_action, _ = actions
    with time_machine.travel(at(date(2027, 1, 20), 10), tick=False):
        services.add_update(police_action, text="Done", status="complete", rag="green", by=business_manager)
    run_on(date(2027, 2, 2), django_capture_on_commit_callbacks)
    assert reminders() == []


def test_closed_reviews_are_not_reminded(actions, review, django_capture_on_commit_callbacks):
    Review.objects.filter(pk=review.pk).update(status=Review.Status.CLOSED)
    run_on(date(2027, 2, 2), django_capture_on_commit_callbacks)
    assert reminders() == []
    Review.objects.filter(pk=review.pk).update(status=Review.Status.PUBLISHED)
    run_on(date(2027, 2, 2), django_capture_on_commit_callbacks)
    assert len(reminders()) == 1


def test_the_periodic_sweep_sends_them(actions, django_capture_on_commit_callbacks):
    assert run_on(date(2027, 2, 2), django_capture_on_commit_callbacks, whole_sweep=True) == 1
    assert run_on(date(2027, 2, 3), django_capture_on_commit_callbacks, whole_sweep=True) == 1
    assert len(reminders()) == 1
    assert Action.objects.overdue(date(2027, 2, 2)).count() == 2
