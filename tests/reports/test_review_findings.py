"""Bugs found by reading the draft report code, each shown failing before its fix."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Action, AgencyLink, Recommendation
from core.models import AuditEntry
from core.retention import REMOVED_EMAIL
from notifications.models import OutboundMessage
from practitioners.models import Agency
from reports import circulation
from reports.models import Checker, Circulation, Comment, NameHit, ReportVersion
from reviews import retention
from reviews.models import Review
from tests.reports.test_circulation import CIRCULATED, LONDON, make_version
from tests.reports.test_draft_reader import opened, send_out
from tests.reviews.test_retention import TODAY as RETENTION_DAY
from tests.reviews.test_retention import make_review as review_at_stage

pytestmark = pytest.mark.django_db

# Digits that str.isdigit() accepts and int() refuses, and a number too long for int() to read.
SUPERSCRIPT_TWO = "\u00b2"
TOO_LONG = "9" * 5000


@pytest.fixture
def checkers(review, business_manager):
    """Sam Green and Lee Patel asked to check version 1, due by the end of Wednesday 30 December 2026.

    The test runs on the day they were asked.
    """
    with time_machine.travel(CIRCULATED, tick=False):
        yield send_out(review, ["Sam Green", "Lee Patel"], by=business_manager)


# Bad input in the query string or form gets a page, never a 500 -------------------------------


@pytest.mark.parametrize("paragraph", [SUPERSCRIPT_TWO, TOO_LONG])
def test_an_odd_paragraph_number_in_the_comment_link_is_ignored(checkers, paragraph):
    browser = opened(checkers["Sam Green"][1])
    response = browser.get(reverse("draft:comment_add"), {"paragraph": paragraph})
    assert response.status_code == 200
    assert "What is not accurate" in response.content.decode()


@pytest.fixture
def sent_comment(checkers):
    sam, _ = checkers["Sam Green"]
    comment = Comment.objects.create(checker=sam, paragraph=2, text="The visit was in April.")
    sam.responded_at = sam.circulation.started_at
    sam.save(update_fields=["responded_at"])
    return comment


@pytest.mark.parametrize("version", [SUPERSCRIPT_TWO, TOO_LONG])
def test_an_odd_version_number_on_the_comment_pages_is_not_found(client, reviewer, review, sent_comment, version):
    client.force_login(reviewer)
    args = [review.partnership.slug, review.pk]
    assert client.get(reverse("reports:report_responses", args=args), {"version": version}).status_code == 404
    assert client.get(reverse("reports:report_comment_report", args=args), {"version": version}).status_code == 404


@pytest.mark.parametrize("comment_id", [SUPERSCRIPT_TWO, TOO_LONG])
def test_an_odd_comment_id_in_an_answer_is_not_found(client, reviewer, review, sent_comment, comment_id):
    client.force_login(reviewer)
    url = reverse("reports:report_responses", args=[review.partnership.slug, review.pk])
    response = client.post(url, {"comment": comment_id, f"comment-{sent_comment.pk}-response": "accepted"})
    assert response.status_code == 404
    assert Comment.objects.get(pk=sent_comment.pk).response == ""


# The deadline runs to the very end of its day -------------------------------------------------


def test_a_checker_can_still_comment_in_the_last_second_of_the_deadline_day(checkers):
    sam, _ = checkers["Sam Green"]
    deadline = sam.circulation.deadline
    last_moment = datetime.combine(deadline, datetime.min.time(), tzinfo=LONDON) + timedelta(days=1, microseconds=-1)
    with time_machine.travel(last_moment, tick=False):
        assert circulation.link_works(sam)
    with time_machine.travel(last_moment + timedelta(microseconds=1), tick=False):
        assert not circulation.link_works(sam)


# A version whose content the retention schedule removed ----------------------------------------


def test_a_pdf_version_whose_file_was_removed_is_not_found_rather_than_a_500(bm_client, review):
    version = ReportVersion.objects.create(review=review, number=1, source=ReportVersion.Source.PDF, unit_count=2)
    args = [review.partnership.slug, review.pk, version.number]
    assert bm_client.get(reverse("reports:report_version", args=args)).status_code == 200
    assert bm_client.get(reverse("reports:report_version_pdf", args=args)).status_code == 404


# Queries on list pages ------------------------------------------------------------------------


def _report_home_queries(client, review):
    url = reverse("reports:report_home", args=[review.partnership.slug, review.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_draft_report_page_asks_the_same_number_of_queries_however_many_versions(bm_client, review):
    def add_versions(first, last):
        for number in range(first, last + 1):
            version = make_version(review, number)
            NameHit.objects.create(version=version, kind="subject", paragraph=1, matched="Alex", context="Alex")

    add_versions(1, 2)
    _report_home_queries(bm_client, review)  # the first visit also saves the session
    few = _report_home_queries(bm_client, review)
    add_versions(3, 8)
    assert _report_home_queries(bm_client, review) == few
    NameHit.objects.filter(version__number=8).update(status=NameHit.Status.NOT_A_PERSON)
    page = bm_client.get(reverse("reports:report_home", args=[review.partnership.slug, review.pk])).content.decode()
    assert page.count("1 name to check") == 7 and page.count("1 name found, all dealt with") == 1


# Retention ------------------------------------------------------------------------------------


def _sent_email(partnership, key):
    return OutboundMessage.objects.create(
        partnership=partnership,
        kind=key.split(":")[0],
        idempotency_key=key,
        recipient="sam@police.example",
        subject="Review CSPR 2024-1 (Child 1)",
        body_text="Dear Sam Green",
        body_html="<p>Dear Sam Green</p>",
        state=OutboundMessage.State.SENT,
        sent_at=RETENTION_DAY - timedelta(days=500),
    )


def _emails_about(review, police):
    """The keys of the emails a review sends that are not tied to an invitation, each written to the outbox."""
    version = ReportVersion.objects.create(review=review, number=1, source="docx", body_html="<p>A</p>", unit_count=1)
    check = Circulation.objects.create(review=review, version=version, working_days=10, deadline=date(2025, 3, 3))
    checker = Checker.objects.create(circulation=check, role="attendee", name="Sam Green", email="sam@police.example")
    recommendation = Recommendation.objects.create(review=review, number=1, text="Train staff.")
    action = Action.objects.create(
        recommendation=recommendation,
        description="Run training.",
        agency=police,
        lead_name="Training lead",
        created_on=date(2025, 4, 2),
        due_date=date(2025, 5, 1),
    )
    link = AgencyLink.objects.create(review=review, agency=police, name="Pat Lead", email="pat@police.example")
    keys = [
        f"draft-circulated:{checker.pk}",
        f"draft-reminder:{checker.pk}:2025-02-20",
        f"draft-link:{checker.pk}:0123456789abcdef",
        f"reminder:draft:{checker.pk}:20250303",
        f"report-published:{review.pk}:0123456789abcdef01234567",
        f"action_link:{link.pk}:0123456789abcdef01234567",
        f"reminder:action_overdue:{action.pk}:1",
    ]
    for key in keys:
        _sent_email(review.partnership, key)
    return keys


def test_retention_takes_people_off_the_emails_about_the_draft_report_and_the_action_plan(partnership):
    police = Agency.objects.create(partnership=partnership, name="Northvale Police")
    with time_machine.travel(RETENTION_DAY, tick=False):
        closed = review_at_stage(partnership, "CSPR 2024-1", Review.Status.CLOSED, closed_on=date(2025, 6, 1))
        still_open = review_at_stage(partnership, "CSPR 2026-3", Review.Status.DRAFTING)
        removed, kept = _emails_about(closed, police), _emails_about(still_open, police)
        retention.run()

        for key in removed:
            message = OutboundMessage.objects.get(idempotency_key=key)
            assert (message.recipient, message.body_text, message.body_html) == (REMOVED_EMAIL, "", "")
            assert message.subject == "Review CSPR 2024-1 (Child 1)"
        for key in kept:
            message = OutboundMessage.objects.get(idempotency_key=key)
            assert (message.recipient, message.body_text) == ("sam@police.example", "Dear Sam Green")
        purged = AuditEntry.objects.get(action="retention.review_purged", object_id=str(closed.pk))
        assert "sam@police.example" not in str(purged.detail)
        assert retention.run() == []
