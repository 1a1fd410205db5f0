"""The summary's read log: downloaded as CSV from its page, and read in the audit log as the pages name it."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry, User
from events.models import SummaryVersion
from practitioners.models import Practitioner
from tests.conftest import make_staff
from tests.events.test_summary_release import (  # noqa: F401 - people, released and version are fixtures
    BODY,
    READING,
    accept_and_read,
    people,
    reader_browser,
    readers_url,
    release_form,
    release_url,
    released,
    version,
)

pytestmark = pytest.mark.django_db


def read_log_url(event):
    return reverse("events:summary_readers_csv", args=[event.review.partnership.slug, event.pk])


def audit_url(partnership, **query):
    return reverse("partnerships:audit_log", args=[partnership.slug]), query


def rows_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def second_version(event, reviewer):
    return SummaryVersion.objects.create(event=event, number=2, source="written", body_html=BODY, created_by=reviewer)


@pytest.fixture
def read_twice(request, frozen, bm_client, business_manager, event, second_version, django_capture_on_commit_callbacks):
    """Sam accepts the terms and reads version 1; the business manager releases version 2; Sam reads it."""
    browser = reader_browser(frozen, request.getfixturevalue("released"), "sam.green@police.example")
    assert accept_and_read(browser).status_code == 200
    bm_client.force_login(business_manager)  # a fresh session: weeks have passed since the first release
    with django_capture_on_commit_callbacks(execute=True):
        response = bm_client.post(release_url(event), release_form(second_version))
    assert response.status_code == 302 and response["Location"] == readers_url(event)
    frozen.move_to(READING.replace(minute=17))
    assert browser.get(reverse("invitation:summary_read")).status_code == 200
    return browser


def test_the_read_log_says_who_read_which_version_when(read_twice, bm_client, event, business_manager):
    page = bm_client.get(readers_url(event)).content.decode()
    assert read_log_url(event) in page and "Download the read log as CSV" in page

    rows = rows_of(bm_client.get(read_log_url(event)))

    assert rows == [
        ["Name", "Agency", "Version", "What", "When (UK time)"],
        ["Lee Patel", "Northvale Health Trust", "", "Not read yet", ""],
        ["Sam Green", "Northvale Police", "1", "Accepted the confidentiality terms", "20 November 2026, 10:00:00am"],
        ["Sam Green", "Northvale Police", "1", "Read it", "20 November 2026, 10:00:00am"],
        ["Sam Green", "Northvale Police", "2", "Read it", "20 November 2026, 10:17:00am"],
    ]
    entry = AuditEntry.objects.get(action="summary.readers_exported")
    assert entry.actor == business_manager
    assert entry.detail["number"] == 2 and entry.detail["rows"] == 4
    assert entry.object_type == "events.SummaryRelease"


def test_a_name_that_looks_like_a_formula_is_made_safe(read_twice, bm_client, event):
    Practitioner.objects.filter(full_name="Lee Patel").update(full_name='=HYPERLINK("http://evil.example")')

    rows = rows_of(bm_client.get(read_log_url(event)))

    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'


def test_the_reviewer_and_other_partnerships_get_no_read_log(read_twice, event, reviewer, outsider):
    for user, status in ((reviewer, 403), (outsider, 404)):
        browser = Client()
        browser.force_login(user)
        assert browser.get(read_log_url(event)).status_code == status
    assert not AuditEntry.objects.filter(action="summary.readers_exported").exists()


def test_before_the_summary_is_released_the_read_log_leads_to_the_release_page(bm_client, event):
    response = bm_client.get(read_log_url(event))

    assert response.status_code == 302 and response["Location"] == release_url(event)
    assert not AuditEntry.objects.filter(action="summary.readers_exported").exists()


# The audit log reads these entries as the pages do ----------------------------------------------


def test_the_audit_log_shows_version_numbers_and_the_readers_names_to_the_business_manager(
    read_twice, bm_client, partnership, event, second_version
):
    first_version = SummaryVersion.objects.get(event=event, number=1)
    url, query = audit_url(partnership, action="summary.viewed")
    response = bm_client.get(url, query)
    page = response.content.decode()

    assert [e.who for e in response.context["page"]] == ["Sam Green (invitee)", "Sam Green (invitee)"]
    assert [e.what for e in response.context["page"]] == [
        "Version 2 of the summary, for the event on 8 December 2026",
        "Version 1 of the summary, for the event on 8 December 2026",
    ]
    assert [e.review for e in response.context["page"]] == ["CSPR 2026/01", "CSPR 2026/01"]
    assert "CSPR 2026/01" in page
    # The release's entries keep the version's id: the log shows its number.
    releases = bm_client.get(url, {"action": "summary.released"})
    assert [e.detail["version"] for e in releases.context["page"]] == [second_version.pk, first_version.pk]
    assert [e.what for e in releases.context["page"]] == [
        "Version 2 of the summary, for the event on 8 December 2026",
        "Version 1 of the summary, for the event on 8 December 2026",
    ]


def test_a_service_administrator_sees_the_log_without_practitioners_names(read_twice, partnership):
    admin_user = make_staff("admin@convene.example", "Service Admin", None, None)
    User.objects.filter(pk=admin_user.pk).update(is_superuser=True)
    browser = Client()
    browser.force_login(admin_user)
    url, query = audit_url(partnership)

    page = browser.get(url, query).content.decode()
    rows = rows_of(browser.get(reverse("partnerships:audit_log_csv", args=[partnership.slug])))

    assert "Version 2 of the summary" in page
    assert "Sam Green" not in page and "Lee Patel" not in page
    assert not any("Sam Green" in cell or "Lee Patel" in cell for row in rows for cell in row)
    assert any(row[1] == "invitee" and row[2] == "An invitee read the summary" for row in rows)
