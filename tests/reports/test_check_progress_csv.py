"""The factual-accuracy check's progress as CSV, from its page: the same people and answers, and who may have it."""

import csv
import io

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry
from reports import circulation
from reports.models import Checker
from tests.conftest import make_staff
from tests.reports.test_circulation import CIRCULATED, agency, attend, make_event, make_version, practitioner

pytestmark = pytest.mark.django_db

HEADER = [
    "Agency",
    "Name",
    "Asked as",
    "Terms accepted",
    "First read",
    "Reads",
    "Downloads",
    "Answer",
    "Answered",
    "Comments",
    "Link",
]


def csv_url(review):
    return reverse("reports:report_check_progress_csv", args=[review.partnership.slug, review.pk])


def progress_url(review):
    return reverse("reports:report_check_progress", args=[review.partnership.slug, review.pk])


def rows_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture(autouse=True)
def frozen():
    """Everything happens on the day the draft goes out, unless a test moves on."""
    with time_machine.travel(CIRCULATED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def check(partnership, review, business_manager):
    """Version 2 out for checking with three attendees: one answered with comments, one with none, one silent."""
    police = agency(partnership, "Northvale Police")
    health = agency(partnership, "Northvale Health Trust")
    event = make_event(review)
    for person in (
        practitioner(partnership, police, "Sam Green", "sam.green@police.example"),
        practitioner(partnership, health, "Lee Patel", "lee.patel@health.example"),
        practitioner(partnership, health, "=SUM(A1:A9)", "formula@health.example"),
    ):
        attend(event, person)
    make_version(review, 1)
    version = make_version(review, 2)
    chosen = [person for person in circulation.default_checkers(review) if person.reachable]
    started = circulation.circulate(version, people=chosen, working_days=5, started_by=business_manager)
    checkers = {checker.email: checker for checker in started.checkers.all()}
    Checker.objects.filter(pk=checkers["sam.green@police.example"].pk).update(
        terms_accepted_at=CIRCULATED, first_read_at=CIRCULATED, read_count=2, responded_at=CIRCULATED, no_comments=True
    )
    lee = checkers["lee.patel@health.example"]
    Checker.objects.filter(pk=lee.pk).update(
        terms_accepted_at=CIRCULATED, first_read_at=CIRCULATED, read_count=1, download_count=1, responded_at=CIRCULATED
    )
    lee.comments.create(paragraph=2, text="The visit was in April.")
    lee.comments.create(paragraph=3, text="It was 5 June.")
    return started


def test_the_progress_downloads_as_csv_a_row_per_person_asked(check, bm_client, business_manager, review):
    page = bm_client.get(progress_url(review)).content.decode()
    rows = rows_of(bm_client.get(csv_url(review)))

    assert csv_url(review) in page and "Download the progress as CSV" in page
    on = "21 December 2026, 9am"
    assert rows == [
        HEADER,
        [
            "Northvale Health Trust",
            "'=SUM(A1:A9)",
            "Attended the event",
            "",
            "",
            "0",
            "0",
            "Not answered",
            "",
            "0",
            "Working",
        ],
        [
            "Northvale Health Trust",
            "Lee Patel",
            "Attended the event",
            on,
            on,
            "1",
            "1",
            "Sent comments",
            on,
            "2",
            "Working",
        ],
        ["Northvale Police", "Sam Green", "Attended the event", on, on, "2", "0", "No comments", on, "0", "Working"],
    ]
    entry = AuditEntry.objects.get(action="report.check_progress_exported")
    assert entry.actor == business_manager
    assert entry.detail == {"version": 2, "rows": 3}
    assert entry.object_type == "reports.Circulation" and entry.object_id == str(check.pk)


def test_the_reviews_own_reviewer_may_download_it_too(check, client, reviewer, review):
    client.force_login(reviewer)
    rows = rows_of(client.get(csv_url(review)))

    assert [row[1] for row in rows[1:]] == ["'=SUM(A1:A9)", "Lee Patel", "Sam Green"]
    assert AuditEntry.objects.get(action="report.check_progress_exported").actor == reviewer


def test_after_the_deadline_and_once_closed_the_links_say_so(frozen, check, bm_client, business_manager, review):
    frozen.move_to(CIRCULATED.replace(year=2027, month=1, day=5))
    bm_client.force_login(business_manager)
    assert {row[-1] for row in rows_of(bm_client.get(csv_url(review)))[1:]} == {"Deadline passed"}
    circulation.close_circulation(check, reason="replaced")
    assert {row[-1] for row in rows_of(bm_client.get(csv_url(review)))[1:]} == {"Closed"}


def test_others_are_refused_and_nothing_is_audited(check, review, partnership, outsider):
    unassigned = make_staff("nadia@northvale.example", "Nadia Rahman", partnership, "reviewer")
    for user, status in ((unassigned, 404), (outsider, 404)):
        browser = Client()
        browser.force_login(user)
        assert browser.get(csv_url(review)).status_code == status
    assert Client().get(csv_url(review)).status_code == 302
    assert not AuditEntry.objects.filter(action="report.check_progress_exported").exists()


def test_with_no_check_yet_it_leads_to_the_progress_page(bm_client, review):
    response = bm_client.get(csv_url(review))

    assert response.status_code == 302 and response["Location"] == progress_url(review)
    assert not AuditEntry.objects.filter(action="report.check_progress_exported").exists()


def test_the_audit_log_names_the_checked_version_by_its_number(check, bm_client, partnership):
    response = bm_client.get(
        reverse("partnerships:audit_log", args=[partnership.slug]), {"action": "report.circulated"}
    )

    (entry,) = response.context["page"]
    assert entry.what == "The factual-accuracy check of version 2 of the draft report"
    assert entry.review == "CSPR 2026-01"
