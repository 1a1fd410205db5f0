"""The draft report's staff pages: who reaches them, uploading, the names check and the PDF."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from core.models import AuditEntry, Membership
from reports.documents import add_version
from reports.models import NameHit, ReportVersion, SignOff
from tests import hostile_files
from tests.browser.conftest import (  # noqa: F401 (the browser fixtures, for this folder too)
    AccessibilityChecker,
    browser_context_args,
    browser_type_launch_args,
)
from tests.conftest import make_staff
from tests.reports.documents import docx, pdf, pdf_text, seed_people, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(review):
    return seed_people(review)


@pytest.fixture
def version(review, reviewer, people):
    paragraphs = ["Background", "Alex Smith lived with their mother.", "Sam Green Court is a street."]
    return add_version(review, upload=upload(docx(paragraphs, headings=[0])), created_by=reviewer)


def another_review(partnership, reviewer, business_manager):
    from reviews import services

    return services.create_review(
        partnership=partnership,
        data={
            "review_type": "sar",
            "reference": "SAR 2026-02",
            "pseudonym": "Adult C",
            "subject_name": "",
            "scope_start": "2024-01-01",
            "scope_end": "2025-12-31",
            "incident_notified_on": None,
            "commissioned_on": None,
            "target_completion_on": None,
            "reviewers": [reviewer],
            "theme_titles": [],
        },
        created_by=business_manager,
    )


@pytest.fixture
def other_reviewer(partnership, business_manager):
    """A reviewer in the same partnership, assigned to another of its reviews but not to this one."""
    user = make_staff("nadia@northvale.example", "Nadia Rahman", partnership, Membership.Role.REVIEWER)
    another_review(partnership, user, business_manager)
    return user


def home_url(review):
    return reverse("reports:report_home", args=[review.partnership.slug, review.pk])


def version_url(review, number=1):
    return reverse("reports:report_version", args=[review.partnership.slug, review.pk, number])


def pdf_url(review, number=1):
    return reverse("reports:report_version_pdf", args=[review.partnership.slug, review.pk, number])


def dismiss_url(hit):
    review = hit.version.review
    return reverse("reports:report_hit_dismiss", args=[review.partnership.slug, review.pk, hit.version.number, hit.pk])


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# Who may see what.


@pytest.mark.parametrize("who", ["reviewer", "business_manager"])
def test_the_reviewer_and_the_business_manager_reach_every_page(who, request, client, review, version):
    client.force_login(request.getfixturevalue(who))

    for url in (home_url(review), version_url(review), pdf_url(review)):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["outsider", "other_reviewer"])
def test_others_get_404_everywhere_and_change_nothing(who, request, client, review, version, settings):
    client.force_login(request.getfixturevalue(who))
    hit = version.name_hits.first()
    files_before = stored_files(settings)

    for url in (home_url(review), version_url(review), pdf_url(review)):
        assert client.get(url).status_code == 404, url
    assert client.post(home_url(review), {"file": upload(pdf(["Mine"]), "x.pdf")}).status_code == 404
    assert client.post(dismiss_url(hit), {f"hit-{hit.pk}-reason": "A street"}).status_code == 404
    assert ReportVersion.objects.count() == 1
    assert stored_files(settings) == files_before
    hit.refresh_from_db()
    assert hit.status == NameHit.Status.OPEN


def test_signed_out_visitors_are_sent_to_sign_in(client, review, version):
    for url in (home_url(review), version_url(review), pdf_url(review)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_a_version_of_another_review_is_not_found(client, reviewer, review, version, partnership, business_manager):
    second = another_review(partnership, reviewer, business_manager)
    client.force_login(reviewer)

    assert client.get(version_url(second)).status_code == 404
    hit = version.name_hits.first()
    wrong = reverse("reports:report_hit_dismiss", args=[partnership.slug, second.pk, 1, hit.pk])
    assert client.post(wrong, {f"hit-{hit.pk}-reason": "A street"}).status_code == 404


def test_the_review_page_links_to_the_draft_report(client, reviewer, review):
    client.force_login(reviewer)

    page = client.get(reverse("overview:review_detail", args=[review.partnership.slug, review.pk])).content.decode()

    assert f'href="{home_url(review)}"' in page


# Uploading.


def test_uploading_a_word_document_checks_it_and_shows_it_numbered(client, reviewer, review, people):
    client.force_login(reviewer)
    page = client.get(home_url(review)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'class="govuk-file-upload' in page

    response = client.post(
        home_url(review),
        {"file": upload(docx(["Background", "Alex Smith and Sam Green met.", "Nothing else."], headings=[0]))},
    )

    version = ReportVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == version_url(review)
    assert (version.created_by, version.unit_count, version.original_filename) == (reviewer, 3, "draft report.docx")
    page = client.get(response["Location"]).content.decode()
    assert "The check found 2 places that may name someone" in page
    assert re.search(r'<h2 id="paragraph-1"><span class="convene-unit-number[^>]*>.*?1</span> Background</h2>', page)
    assert 'id="paragraph-3"' in page
    assert '<a class="govuk-link" href="#paragraph-2">Go to paragraph 2</a>' in page
    assert "<mark>Alex Smith</mark> and Sam Green met." in page
    assert "Alex Smith and <mark>Sam Green</mark> met." in page
    assert "The real name kept for the child</dd>" in page
    assert "Sam Green (an invitee)" in page
    # The real name itself appears only inside the document's own words, never as a finding.
    assert "Alex Smith (" not in page


def test_the_versions_list_shows_each_version_and_its_check(client, business_manager, reviewer, review, version):
    add_version(review, upload=upload(pdf(["A clean page."]), "second.pdf"), created_by=business_manager)
    client.force_login(business_manager)

    response = client.get(home_url(review))

    assert [v.number for v in response.context["versions"]] == [2, 1]
    page = response.content.decode()
    assert "second.pdf" in page
    assert "2 names to check" in page
    assert "No names found" in page
    assert "Tom Ellis" in page
    assert "Priya Shah" in page


def test_a_bad_upload_shows_its_message_next_to_the_field_and_stores_nothing(client, reviewer, review, settings):
    client.force_login(reviewer)

    response = client.post(home_url(review), {"file": upload(docx(["Hello"], macros="part"))})

    assert response.status_code == 200
    assert "contains macros" in response.context["form"].errors["file"][0]
    page = response.content.decode()
    assert "There is a problem" in page
    assert "govuk-error-message" in page
    assert not ReportVersion.objects.exists()
    assert stored_files(settings) == []


def test_after_sign_off_the_page_offers_no_upload_and_refuses_one(client, business_manager, review, version):
    SignOff.objects.create(
        review=review, version=version, body="Executive", signed_off_on=date(2027, 1, 5), minute_reference="M1"
    )
    client.force_login(business_manager)

    page = client.get(home_url(review)).content.decode()
    response = client.post(home_url(review), {"file": upload(pdf(["Late"]), "late.pdf")})

    assert "no new version can be added" in page
    assert 'type="file"' not in page
    assert "signed off" in response.context["form"].errors["file"][0]
    assert ReportVersion.objects.count() == 1


# The names check.


def test_marking_a_place_as_not_a_person(client, reviewer, review, version):
    street = version.name_hits.get(kind=NameHit.Kind.INVITEE)
    client.force_login(reviewer)

    response = client.post(dismiss_url(street), {f"hit-{street.pk}-reason": "The name of a street"})

    assert response.status_code == 302
    assert response["Location"] == version_url(review)
    street.refresh_from_db()
    assert (street.status, street.reason, street.resolved_by) == (
        NameHit.Status.NOT_A_PERSON,
        "The name of a street",
        reviewer,
    )
    assert AuditEntry.objects.filter(action="report.name_marked_not_a_person", object_id=str(street.pk)).exists()
    page = client.get(response["Location"]).content.decode()
    assert "1 place left to check" in page
    assert "The name of a street" in page


def test_a_reason_is_needed_to_mark_a_place(client, reviewer, review, version):
    hit = version.name_hits.get(kind=NameHit.Kind.INVITEE)
    client.force_login(reviewer)

    response = client.post(dismiss_url(hit), {f"hit-{hit.pk}-reason": "  "})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'href="#id_hit-{hit.pk}-reason"' in page
    assert "Enter why this is not a person" in page
    assert page.count('id="paragraph-1"') == 1
    hit.refresh_from_db()
    assert hit.status == NameHit.Status.OPEN


def test_marking_needs_a_post(client, reviewer, review, version):
    client.force_login(reviewer)

    assert client.get(dismiss_url(version.name_hits.first())).status_code == 405


def test_after_sign_off_no_place_can_be_marked(client, reviewer, review, version):
    SignOff.objects.create(
        review=review, version=version, body="Executive", signed_off_on=date(2027, 1, 5), minute_reference="M1"
    )
    hit = version.name_hits.first()
    client.force_login(reviewer)

    page = client.get(version_url(review)).content.decode()
    response = client.post(dismiss_url(hit), {f"hit-{hit.pk}-reason": "A street"}, follow=True)

    assert "Mark as not a person" not in page
    assert "signed off, so its check cannot change" in response.content.decode()
    hit.refresh_from_db()
    assert hit.status == NameHit.Status.OPEN


# Reading and downloading.


def test_opening_a_version_is_logged(client, business_manager, review, version):
    client.force_login(business_manager)

    client.get(version_url(review))

    entry = AuditEntry.objects.get(action="report.version_viewed")
    assert (entry.actor, entry.detail) == (business_manager, {"review_id": review.pk, "number": 1})


def test_the_pdf_downloads_as_an_attachment_with_the_numbers(client, reviewer, review, version):
    client.force_login(reviewer)

    response = client.get(pdf_url(review))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="draft-report-CSPR-2026-01-v1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    text = pdf_text(response.content)[0]
    assert "Alex Smith lived with their mother." in text
    assert AuditEntry.objects.filter(action="report.version_downloaded", actor=reviewer).count() == 1


def test_an_uploaded_pdf_downloads_exactly_as_it_was_uploaded(client, reviewer, review):
    data = pdf(["Page one", "Page two"])
    add_version(review, upload=upload(data, "draft.pdf"), created_by=reviewer)
    client.force_login(reviewer)

    response = client.get(pdf_url(review))
    page = client.get(version_url(review)).content.decode()

    assert response.content == data
    assert 'id="page-2"' in page
    assert "2 pages" in page


# In a real browser, with axe-core on every page.


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_uploading_and_clearing_the_check_in_a_browser(page, live_server, reviewer, review, people):
    from django.conf import settings
    from django.test import Client
    from playwright.sync_api import expect

    a11y = AccessibilityChecker(page)
    client = Client()
    client.force_login(reviewer)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    page.goto(reverse("overview:review_detail", args=[review.partnership.slug, review.pk]))
    a11y.check()
    page.get_by_role("link", name="Draft report").click()
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft report")

    page.get_by_label("The draft report file").set_input_files(
        files=[{"name": "draft.docx", "mimeType": word, "buffer": docx(["Hello"], external=["template"])}]
    )
    page.get_by_role("button", name="Upload and check for names").click()
    a11y.check()
    expect(page.locator(".govuk-error-summary")).to_contain_text("content kept outside it")

    paragraphs = ["Background", "Sam Green Court is a street near the school.", "Alex Smith moved in 2024."]
    page.get_by_label("The draft report file").set_input_files(
        files=[{"name": "draft.docx", "mimeType": word, "buffer": docx(paragraphs, headings=[0])}]
    )
    page.get_by_role("button", name="Upload and check for names").click()
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft report, version 1")
    expect(page.locator("#paragraph-2")).to_contain_text("Sam Green Court")

    page.get_by_role("button", name="Mark as not a person").first.click()
    a11y.check()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why this is not a person")

    # By keyboard: the error summary's link leads to the field; type, then Tab to the button.
    page.locator(".govuk-error-summary a").first.click()
    page.keyboard.type("The name of a street")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{version_url(review)}")
    a11y.check()
    expect(page.get_by_text("1 place left to check")).to_be_visible()

    page.get_by_role("link", name="Back to the draft report").click()
    a11y.check()
    expect(page.locator("table")).to_contain_text("1 name to check")
    a11y.assert_clean()


def test_a_pdf_that_is_also_a_web_page_is_refused_and_nothing_stored(client, reviewer, review, settings):
    client.force_login(reviewer)

    response = client.post(home_url(review), {"file": upload(hostile_files.html_pdf_polyglot(), "draft.pdf")})

    assert response.status_code == 200
    assert "web page code" in response.context["form"].errors["file"][0]
    assert "There is a problem" in response.content.decode()
    assert not ReportVersion.objects.exists()
    assert stored_files(settings) == []
