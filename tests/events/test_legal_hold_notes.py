"""A legal hold keeps the reviewer's notes past their deletion date; lifting it restarts the period from that day."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditEntry
from events.models import ReviewerNote
from reviews import holds
from tests.events.conftest import LONDON
from tests.events.test_reviewer_notes import (
    DELETE_ON,
    SIGNED_OFF_ON,
    WARN_ON,
    note,  # noqa: F401 - the fixture
    sign_off,
    sweep,
    warnings,
)

pytestmark = pytest.mark.django_db

LIFTED_ON = date(2027, 5, 10)


def at(day, hour=11):
    return time_machine.travel(datetime.combine(day, time(hour, 0), tzinfo=LONDON), tick=False)


def test_under_a_hold_the_notes_are_kept_and_nobody_is_warned(review, business_manager, note):  # noqa: F811
    sign_off(review, SIGNED_OFF_ON)
    holds.place_hold(review, reason="Criminal proceedings", by=business_manager)

    for day in (WARN_ON, DELETE_ON, DELETE_ON + timedelta(days=200)):
        assert sweep(day) == (0, 0)

    assert ReviewerNote.objects.count() == 1
    assert not warnings().exists()
    assert not AuditEntry.objects.filter(action="notes.deleted_after_sign_off").exists()


def test_lifting_the_hold_restarts_the_deletion_period_from_that_day(review, business_manager, note):  # noqa: F811
    sign_off(review, SIGNED_OFF_ON)
    with at(SIGNED_OFF_ON + timedelta(days=2)):
        holds.place_hold(review, reason="Criminal proceedings", by=business_manager)
    with at(LIFTED_ON):
        holds.lift_hold(review, reason="The trial has ended", by=business_manager)

    # 30 days from the lifting, with 7 days' warning: nothing goes on the day after the lifting.
    assert sweep(LIFTED_ON + timedelta(days=1)) == (0, 0)
    assert sweep(LIFTED_ON + timedelta(days=22)) == (0, 0)
    assert sweep(LIFTED_ON + timedelta(days=23)) == (1, 0)
    message = warnings().get()
    assert "9 June 2027" in message.body_text
    assert sweep(LIFTED_ON + timedelta(days=29), hour=23) == (0, 0)
    assert ReviewerNote.objects.exists()
    assert sweep(LIFTED_ON + timedelta(days=30)) == (0, 1)
    assert not ReviewerNote.objects.exists()


def test_the_reviewers_notes_page_says_the_hold_keeps_them(client, reviewer, review, business_manager, note):  # noqa: F811
    sign_off(review, SIGNED_OFF_ON)
    holds.place_hold(review, reason="Criminal proceedings", by=business_manager)
    client.force_login(reviewer)

    page = client.get(reverse("events:review_notes", args=[review.partnership.slug, review.pk])).content.decode()

    assert "under a legal hold, so these notes are kept until the hold is lifted" in page
    assert "will be deleted on" not in page
