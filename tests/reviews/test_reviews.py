"""Reviews: created and changed by the business manager, seen by their assigned reviewers only."""

import pytest
from django.urls import reverse

from core.models import AuditEntry, Membership
from reviews.models import Review, ReviewStatusChange
from tests.conftest import make_staff
from tests.events.test_kept_pages import main_of


def review_data(**overrides):
    data = {
        "review_type": "cspr",
        "reference": "CSPR 2026-03",
        "pseudonym": "Child A",
        "subject_name": "Jamie Doe",
        "scope_start_0": "1",
        "scope_start_1": "3",
        "scope_start_2": "2024",
        "scope_end_0": "28",
        "scope_end_1": "2",
        "scope_end_2": "2026",
        "learning_themes": "Hearing the child's voice\nInformation sharing between agencies\n",
    }
    return data | overrides


@pytest.mark.django_db
def test_business_manager_creates_a_review(bm_client, partnership, reviewer):
    response = bm_client.post(
        reverse("reviews:review_add", args=[partnership.slug]), review_data(reviewers=[reviewer.pk])
    )
    assert response.status_code == 302, response.context["form"].errors
    review = Review.objects.get(reference="CSPR 2026-03")
    assert review.status == Review.Status.SCOPING
    assert list(review.reviewers.all()) == [reviewer]
    assert [t.title for t in review.learning_themes.all()] == [
        "Hearing the child's voice",
        "Information sharing between agencies",
    ]
    # The real name is encrypted at rest and decrypts on request.
    assert "Jamie" not in review.subject_name_encrypted
    assert review.subject_name == "Jamie Doe"
    assert ReviewStatusChange.objects.filter(review=review, to_status="scoping").exists()
    assert AuditEntry.objects.filter(action="review.created", object_id=str(review.pk)).exists()
    page = bm_client.get(response["Location"]).content.decode()
    assert "Jamie Doe" not in page
    assert "Children Act 2004" in page


@pytest.mark.django_db
def test_bad_review_input_is_refused_at_the_field(bm_client, partnership, review):
    response = bm_client.post(
        reverse("reviews:review_add", args=[partnership.slug]),
        review_data(reference="cspr 2026-01", scope_end_0="1", scope_end_1="1", scope_end_2="2020", review_type=""),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "already has this reference" in str(errors["reference"])
    assert "must end on or after" in str(errors["scope_end"])
    assert "review_type" in errors
    assert Review.objects.count() == 1


@pytest.mark.django_db
def test_an_impossible_date_is_a_field_error_not_a_crash(bm_client, partnership):
    response = bm_client.post(
        reverse("reviews:review_add", args=[partnership.slug]), review_data(scope_start_0="31", scope_start_1="2")
    )
    assert response.status_code == 200
    assert "scope_start" in response.context["form"].errors


@pytest.mark.django_db
def test_status_moves_one_step_at_a_time_and_records_who(bm_client, partnership, review, business_manager):
    url = reverse("overview:review_advance", args=[partnership.slug, review.pk])
    assert bm_client.post(url, {"confirm": "on", "to_status": "gathering"}).status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.GATHERING
    # Skipping a stage, or a stale double submit, is refused and changes nothing.
    response = bm_client.post(url, {"confirm": "on", "to_status": "drafting"}, follow=True)
    assert "one step at a time" in response.content.decode()
    bm_client.post(url, {"confirm": "on", "to_status": "gathering"})
    review.refresh_from_db()
    assert review.status == Review.Status.GATHERING
    change = review.status_changes.last()
    assert (change.from_status, change.to_status, change.changed_by) == ("scoping", "gathering", business_manager)
    # Without the confirmation tick, nothing moves and the page says why.
    response = bm_client.post(url, {"to_status": "practitioner_event"})
    assert response.status_code == 200
    assert "Tick the box" in response.content.decode()


@pytest.mark.django_db
def test_the_stage_button_cannot_skip_the_sign_off_or_the_publication(bm_client, partnership, review):
    url = reverse("overview:review_advance", args=[partnership.slug, review.pk])
    Review.objects.filter(pk=review.pk).update(status=Review.Status.AWAITING_SIGN_OFF)
    page = bm_client.get(reverse("overview:review_detail", args=[partnership.slug, review.pk])).content.decode()
    assert "Move to the next stage" not in page
    assert reverse("reports:report_home", args=[partnership.slug, review.pk]) in page
    response = bm_client.post(url, {"confirm": "on", "to_status": "signed_off"}, follow=True)
    assert "record the sign-off there" in response.content.decode()
    review.refresh_from_db()
    assert review.status == Review.Status.AWAITING_SIGN_OFF
    assert not review.status_changes.filter(to_status="signed_off").exists()


@pytest.mark.django_db
def test_real_name_is_shown_only_on_request_and_audited(bm_client, partnership, review):
    detail = reverse("overview:review_detail", args=[partnership.slug, review.pk])
    assert "Alex Smith" not in bm_client.get(detail).content.decode()
    response = bm_client.post(reverse("overview:review_reveal_name", args=[partnership.slug, review.pk]))
    assert "Alex Smith" in response.content.decode()
    assert AuditEntry.objects.filter(action="review.real_name_viewed").count() == 1


@pytest.mark.django_db
def test_assigned_reviewer_sees_the_review_but_not_the_name(client, partnership, review, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("overview:review_detail", args=[partnership.slug, review.pk])).status_code == 200
    assert client.post(reverse("overview:review_reveal_name", args=[partnership.slug, review.pk])).status_code == 403
    assert client.get(reverse("reviews:review_edit", args=[partnership.slug, review.pk])).status_code == 403
    url = reverse("overview:review_advance", args=[partnership.slug, review.pk])
    assert client.post(url, {"confirm": "on", "to_status": "gathering"}).status_code == 403


@pytest.mark.django_db
def test_unassigned_reviewer_and_outsider_get_404(client, partnership, review, outsider):
    other_reviewer = make_staff("other@northvale.example", "Other Reviewer", partnership, Membership.Role.REVIEWER)
    for user in (other_reviewer, outsider):
        client.force_login(user)
        for name in ("overview:review_detail", "reviews:review_edit"):
            assert client.get(reverse(name, args=[partnership.slug, review.pk])).status_code == 404
        assert (
            client.post(reverse("overview:review_reveal_name", args=[partnership.slug, review.pk])).status_code == 404
        )
    client.force_login(other_reviewer)
    assert client.get(reverse("reviews:review_list", args=[partnership.slug])).context["reviews"].count() == 0


@pytest.mark.django_db
def test_editing_keeps_the_name_unless_a_new_one_is_given(bm_client, partnership, review, reviewer):
    url = reverse("reviews:review_edit", args=[partnership.slug, review.pk])
    form_page = bm_client.get(url).content.decode()
    assert "Alex Smith" not in form_page
    data = review_data(reference="CSPR 2026-01", subject_name="", reviewers=[reviewer.pk])
    assert bm_client.post(url, data).status_code == 302
    review.refresh_from_db()
    assert review.subject_name == "Alex Smith"
    assert bm_client.post(url, data | {"subject_name": "Alex Jones"}).status_code == 302
    review.refresh_from_db()
    assert review.subject_name == "Alex Jones"


# The overview's queries, whether the partnership has 5 reviews or 50, made afresh (one of them finds when the
# time alone would change it); kept in the cache, only the sign-in's and the partnership's.
OVERVIEW_QUERIES = 12
KEPT_OVERVIEW_QUERIES = 4


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
def test_dashboard_lists_reviews_and_what_needs_attention(
    bm_client, partnership, review, reviewer, count, django_assert_num_queries, settings
):
    from tests.reviews.test_overview import populate

    populate(partnership, count, reviewer=reviewer)
    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = bm_client.get(reverse("overview:partnership_overview", args=[partnership.slug]))
    reviews = response.context["reviews"]
    assert review in reviews
    assert len(reviews) == count + 1
    busy = [row for row in reviews if row != review]
    assert {(row.events_held, row.events_to_come, row.replies_outstanding) for row in busy} == {(1, 1, 2)}
    assert {(row.check_responded, row.check_asked, row.actions_overdue) for row in busy} == {(1, 2, 1)}
    assert len(response.context["agencies_not_nominated"]) == count
    assert response.content.decode().count("2 invitees of") == count
    settings.CHANGE_STAMPS_CHECK = False  # the check would make the kept part again
    with django_assert_num_queries(KEPT_OVERVIEW_QUERIES):
        again = bm_client.get(reverse("overview:partnership_overview", args=[partnership.slug]))
    assert main_of(again) == main_of(response)


@pytest.mark.django_db
def test_nothing_that_is_emailed_may_hold_the_real_name(bm_client, partnership):
    response = bm_client.post(
        reverse("reviews:review_add", args=[partnership.slug]),
        review_data(pseudonym="Jamie", learning_themes="Why Doe's school did not refer\n" + "x" * 201),
    )
    errors = response.context["form"].errors
    assert "real name" in str(errors["pseudonym"])
    assert "learning_themes" in errors
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_themes_are_tidied_and_deduplicated(bm_client, partnership):
    bm_client.post(
        reverse("reviews:review_add", args=[partnership.slug]),
        review_data(learning_themes="  Neglect \nneglect\n\nSharing   information\n"),
    )
    review = Review.objects.get()
    assert [t.title for t in review.learning_themes.all()] == ["Neglect", "Sharing information"]


@pytest.mark.django_db
def test_a_year_out_of_range_is_a_field_error(bm_client, partnership):
    response = bm_client.post(
        reverse("reviews:review_add", args=[partnership.slug]), review_data(scope_start_2="99999999999999999999")
    )
    assert response.status_code == 200
    assert "scope_start" in response.context["form"].errors
