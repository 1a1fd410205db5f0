"""Bugs found by reading the draft report code, each shown failing before its fix."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import circulation
from reports.models import Comment, NameHit, ReportVersion
from tests.reports.test_circulation import CIRCULATED, LONDON, make_version
from tests.reports.test_draft_reader import opened, send_out

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
    response = browser.get(reverse("draft_comment_add"), {"paragraph": paragraph})
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
    assert client.get(reverse("report_responses", args=args), {"version": version}).status_code == 404
    assert client.get(reverse("report_comment_report", args=args), {"version": version}).status_code == 404


@pytest.mark.parametrize("comment_id", [SUPERSCRIPT_TWO, TOO_LONG])
def test_an_odd_comment_id_in_an_answer_is_not_found(client, reviewer, review, sent_comment, comment_id):
    client.force_login(reviewer)
    url = reverse("report_responses", args=[review.partnership.slug, review.pk])
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
    assert bm_client.get(reverse("report_version", args=args)).status_code == 200
    assert bm_client.get(reverse("report_version_pdf", args=args)).status_code == 404


# Queries on list pages ------------------------------------------------------------------------


def _report_home_queries(client, review):
    url = reverse("report_home", args=[review.partnership.slug, review.pk])
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
    page = bm_client.get(reverse("report_home", args=[review.partnership.slug, review.pk])).content.decode()
    assert page.count("1 name to check") == 7 and page.count("1 name found, all dealt with") == 1
