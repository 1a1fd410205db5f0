"""The periodic sweep reminds checkers who have not answered, near the deadline, once each."""

from datetime import datetime

import pytest
import time_machine

from notifications.models import OutboundMessage
from practitioners.models import Agency
from reports import circulation
from reports import reminders as sweep
from reports.circulation import Person
from reports.models import Checker
from reports.reminders import check_reminders
from tests.reports.test_circulation import CIRCULATED, LONDON, make_version

pytestmark = pytest.mark.django_db

# Circulated Monday 21 December 2026, due Wednesday 30 December. Two working days before the deadline
# is Thursday 24 December: Christmas Day and the Monday standing in for Boxing Day do not count.
BEFORE_WINDOW = datetime(2026, 12, 23, 8, 0, tzinfo=LONDON)
WINDOW_OPENS = datetime(2026, 12, 24, 8, 0, tzinfo=LONDON)
DEADLINE_DAY = datetime(2026, 12, 30, 8, 0, tzinfo=LONDON)
AFTER_DEADLINE = datetime(2026, 12, 31, 8, 0, tzinfo=LONDON)
NAMES = ["Sam Green", "Lee Patel", "Jo Marsh", "Dana Reid"]


@pytest.fixture
def checkers(review, business_manager):
    police = Agency.objects.create(partnership=review.partnership, name="Northvale Police")
    people = [
        Person(role="attendee", name=name, email=f"{name.split()[0].lower()}@police.example", agency=police)
        for name in NAMES
    ]
    with time_machine.travel(CIRCULATED, tick=False):
        sent = circulation.circulate(make_version(review), people=people, working_days=5, started_by=business_manager)
    return {checker.name: checker for checker in sent.checkers.all()}


def reminded():
    return sorted(OutboundMessage.objects.filter(kind="draft_reminder").values_list("recipient", flat=True))


def test_reminders_go_once_each_near_the_deadline_to_those_who_have_not_answered(
    checkers, business_manager, mailoutbox, django_capture_on_commit_callbacks
):
    Checker.objects.filter(pk=checkers["Lee Patel"].pk).update(responded_at=CIRCULATED, no_comments=True)
    circulation.stop_link(checkers["Dana Reid"], stopped_by=business_manager)

    assert check_reminders(BEFORE_WINDOW) == 0 and reminded() == []
    with time_machine.travel(WINDOW_OPENS, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert sweep.run(WINDOW_OPENS) == 2
    assert reminded() == ["jo@police.example", "sam@police.example"]
    # The batch sends whatever else is due too (the check's first emails): find the reminder.
    email = next(m for m in mailoutbox if m.to == ["sam@police.example"] and "Reminder" in m.subject)
    assert "Reminder" in email.subject and "CSPR 2026-01 (Child B)" in email.subject
    assert "Wednesday 30 December 2026" in email.body and "Monday 21 December 2026" in email.body
    assert "/draft-report/" not in email.body and "Alex" not in email.body + email.subject
    keys = set(OutboundMessage.objects.filter(kind="draft_reminder").values_list("idempotency_key", flat=True))
    assert keys == {f"reminder:draft:{checkers[n].pk}:20261230" for n in ("Sam Green", "Jo Marsh")}
    # The sweep leaves links alone, so nobody part way through their comments is shut out.
    assert circulation.link_works(Checker.objects.get(pk=checkers["Sam Green"].pk), WINDOW_OPENS)

    for later in (WINDOW_OPENS, DEADLINE_DAY):
        check_reminders(later)
    assert reminded() == ["jo@police.example", "sam@police.example"]


def test_the_deadline_day_is_the_last_day_for_reminders(checkers):
    check_reminders(AFTER_DEADLINE)
    assert reminded() == []
    check_reminders(DEADLINE_DAY)
    assert len(reminded()) == 4


def test_no_reminders_for_a_closed_check(checkers, business_manager):
    circulation.close_circulation(checkers["Sam Green"].circulation, reason="signed off", by=business_manager)
    assert check_reminders(WINDOW_OPENS) == 0 and reminded() == []


def test_no_reminders_when_the_partnership_turns_them_off(checkers, partnership):
    partnership.rsvp_reminder_working_days = 0
    partnership.save()
    assert check_reminders(DEADLINE_DAY) == 0 and reminded() == []
