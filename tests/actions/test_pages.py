"""The business manager's and the reviewer's pages: who may see and change what, and the forms' messages."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import Action, ActionUpdate, Recommendation
from core.models import AuditEntry
from reviews.models import Review
from tests import hostile_files
from tests.actions.conftest import DUE, make_png, upload

pytestmark = pytest.mark.django_db


def plan_url(review, name="actions:action_plan", *args):
    return reverse(name, args=[review.partnership.slug, review.pk, *args])


def text_of(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def staff_urls(review, recommendation, police_action, police):
    return [
        plan_url(review),
        plan_url(review, "actions:action_plan_pdf"),
        plan_url(review, "actions:action_plan_csv"),
        plan_url(review, "actions:recommendation_add"),
        plan_url(review, "actions:recommendation_edit", recommendation.pk),
        plan_url(review, "actions:action_add", recommendation.pk),
        plan_url(review, "actions:action_detail", police_action.pk),
        plan_url(review, "actions:action_edit", police_action.pk),
        plan_url(review, "actions:agency_links"),
        plan_url(review, "actions:agency_link_send", police.pk),
    ]


def test_the_business_manager_reaches_every_page(bm_client, staff_urls):
    for url in staff_urls:
        assert bm_client.get(url).status_code == 200, url


def test_someone_outside_the_partnership_gets_404_everywhere(client, outsider, staff_urls, review, police):
    client.force_login(outsider)
    for url in staff_urls:
        assert client.get(url).status_code == 404, url
    assert client.post(plan_url(review, "actions:agency_link_stop", police.pk)).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, staff_urls):
    for url in staff_urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_the_reviewer_sees_the_plan_but_cannot_change_it(
    client, reviewer, review, recommendation, police_action, police
):
    client.force_login(reviewer)
    page = client.get(plan_url(review))
    assert page.status_code == 200
    assert "Add a recommendation" not in page.content.decode()
    detail = client.get(plan_url(review, "actions:action_detail", police_action.pk))
    assert detail.status_code == 200 and "Record progress" not in detail.content.decode()
    for url in [
        plan_url(review, "actions:recommendation_add"),
        plan_url(review, "actions:recommendation_edit", recommendation.pk),
        plan_url(review, "actions:action_add", recommendation.pk),
        plan_url(review, "actions:action_edit", police_action.pk),
        plan_url(review, "actions:agency_links"),
        plan_url(review, "actions:agency_link_send", police.pk),
    ]:
        assert client.get(url).status_code == 403, url
        if "agency-links/" not in url or "/send/" in url:
            assert client.post(url, {"text": "x"}).status_code == 403, url
    posted = client.post(
        plan_url(review, "actions:action_detail", police_action.pk), {"text": "x", "status": "complete", "rag": "green"}
    )
    assert posted.status_code == 403
    assert client.post(plan_url(review, "actions:agency_link_stop", police.pk)).status_code == 403
    assert Recommendation.objects.count() == 1 and not ActionUpdate.objects.exists()
    police_action.refresh_from_db()
    assert police_action.status == "not_started"


def test_a_reviewer_not_assigned_to_the_review_gets_404(client, partnership, review):
    from core.models import Membership
    from tests.conftest import make_staff

    stranger = make_staff("nadia@northvale.example", "Nadia Rahman", partnership, Membership.Role.REVIEWER)
    client.force_login(stranger)
    assert client.get(plan_url(review)).status_code == 404


def test_the_review_page_links_to_the_plan_once_signed_off(bm_client, review):
    assert (
        plan_url(review)
        in bm_client.get(reverse("overview:review_detail", args=[review.partnership.slug, review.pk])).content.decode()
    )
    Review.objects.filter(pk=review.pk).update(status=Review.Status.DRAFTING)
    page = bm_client.get(reverse("overview:review_detail", args=[review.partnership.slug, review.pk])).content.decode()
    assert plan_url(review) not in page


def test_before_sign_off_the_plan_explains_and_the_forms_are_closed(bm_client, review):
    Review.objects.filter(pk=review.pk).update(status=Review.Status.AWAITING_SIGN_OFF)
    page = bm_client.get(plan_url(review))
    assert page.status_code == 200
    assert "starts once the review is signed off" in text_of(page)
    response = bm_client.post(plan_url(review, "actions:recommendation_add"), {"text": "Too early"}, follow=True)
    assert "starts once the review is signed off" in text_of(response)
    assert not Recommendation.objects.exists()


def test_adding_a_recommendation_and_an_action_through_the_pages(bm_client, review, police):
    response = bm_client.post(plan_url(review, "actions:recommendation_add"), {"text": "Share concerns early."})
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    response = bm_client.post(
        plan_url(review, "actions:action_add", recommendation.pk),
        {
            "description": "Brief every team.",
            "agency": police.pk,
            "lead_name": "Sam Reid",
            "lead_email": "sam.reid@police.example",
            **date_fields("due_date", DUE),
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.agency, action.due_date, action.recommendation) == (police, DUE, recommendation)
    page = text_of(bm_client.get(plan_url(review)))
    assert "Recommendation 1" in page and "Brief every team." in page and "Northvale Police" in page
    assert "Not started" in page and "Amber" in page


def test_a_due_date_in_the_past_is_shown_next_to_the_field(bm_client, review, recommendation, police):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = bm_client.post(
        plan_url(review, "actions:action_add", recommendation.pk),
        {
            "description": "Brief every team.",
            "agency": police.pk,
            "lead_name": "Sam",
            **date_fields("due_date", yesterday),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The due date must be on or after" in page
    assert 'href="#id_due_date_0"' in page or "govuk-error-summary" in page
    assert not Action.objects.exists()


def test_another_partnerships_agency_cannot_be_chosen(bm_client, review, recommendation, foreign_agency):
    response = bm_client.post(
        plan_url(review, "actions:action_add", recommendation.pk),
        {"description": "x", "agency": foreign_agency.pk, "lead_name": "Sam", **date_fields("due_date", DUE)},
    )
    assert response.status_code == 200
    assert "Choose an agency from the list" in response.content.decode()
    assert not Action.objects.exists()


def test_the_plan_shows_tags_counts_and_overdue_actions(bm_client, review, police_action, health_action):
    Action.objects.filter(pk=police_action.pk).update(
        created_on=timezone.localdate() - timedelta(days=60), due_date=timezone.localdate() - timedelta(days=3)
    )
    page = bm_client.get(plan_url(review)).content.decode()
    assert 'govuk-tag govuk-tag--red">Overdue' in page
    assert page.count("govuk-tag--orange") == 2  # both amber
    assert re.search(r"Overdue</th>", page)


def test_the_business_manager_records_progress_with_evidence(bm_client, review, police_action):
    url = plan_url(review, "actions:action_detail", police_action.pk)
    response = bm_client.post(
        url,
        {
            "text": "Posters up in every station",
            "status": "complete",
            "rag": "green",
            "evidence": upload(make_png(), "poster.png"),
        },
    )
    assert response.status_code == 302
    police_action.refresh_from_db()
    assert police_action.status == "complete" and police_action.completed_on == timezone.localdate()
    update = ActionUpdate.objects.get()
    assert update.author.email == "manager@northvale.example"
    page = bm_client.get(url).content.decode()
    assert "Posters up in every station" in page and "poster.png" in page


def test_a_wrong_evidence_file_is_shown_next_to_the_field(bm_client, review, police_action):
    response = bm_client.post(
        plan_url(review, "actions:action_detail", police_action.pk),
        {"text": "See attached", "status": "complete", "rag": "green", "evidence": upload(b"<html></html>", "x.pdf")},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and "The file must be a PDF" in page
    assert not ActionUpdate.objects.exists()
    police_action.refresh_from_db()
    assert police_action.status == "not_started"


def test_evidence_downloads_as_a_safe_attachment_that_cannot_run(
    client, reviewer, review, police_action, business_manager
):
    update = services.add_update(
        police_action,
        text="Poster",
        status="in_progress",
        rag="green",
        evidence_file=upload(make_png(), 'our "poster"\r\n<final>.png'),
        by=business_manager,
    )
    client.force_login(reviewer)
    response = client.get(plan_url(review, "actions:action_evidence", police_action.pk, update.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="our-poster-final.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(b"\x89PNG")
    assert AuditEntry.objects.filter(action="action.evidence_downloaded", actor=reviewer).exists()


def test_evidence_of_another_review_is_not_found(bm_client, review, police_action, business_manager, partnership):
    other = Review.objects.create(
        partnership=partnership,
        review_type="sar",
        reference="SAR 2026-02",
        pseudonym="Adult C",
        scope_start="2024-01-01",
        scope_end="2024-12-31",
        status=Review.Status.SIGNED_OFF,
    )
    update = services.add_update(
        police_action,
        text="x",
        status="in_progress",
        rag="green",
        evidence_file=upload(make_png()),
        by=business_manager,
    )
    assert bm_client.get(plan_url(other, "actions:action_evidence", police_action.pk, update.pk)).status_code == 404
    assert bm_client.get(plan_url(other, "actions:action_detail", police_action.pk)).status_code == 404


@pytest.mark.parametrize(
    ("build", "name", "message"),
    [
        (hostile_files.html_pdf_polyglot, "record.pdf", "web page code"),
        (hostile_files.docm, "policy.docx", "contains macros"),
        (hostile_files.xlsm, "audit.xlsx", "contains macros"),
        (hostile_files.png_with_script, "poster.png", "web page code"),
    ],
    ids=["html and pdf polyglot", "macro-enabled word document", "workbook with macros", "png with a script"],
)
def test_hostile_evidence_is_refused_next_to_the_field(bm_client, review, police_action, build, name, message):
    response = bm_client.post(
        plan_url(review, "actions:action_detail", police_action.pk),
        {"text": "See attached", "status": "complete", "rag": "green", "evidence": upload(build(), name)},
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors["evidence"][0]
    assert "govuk-error-summary" in response.content.decode()
    assert not ActionUpdate.objects.exists()
    police_action.refresh_from_db()
    assert police_action.status == "not_started"
