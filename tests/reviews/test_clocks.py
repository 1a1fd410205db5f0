"""Statutory clocks: deadlines in working days with England's bank holidays, on the review page."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditEntry
from overview import clocks
from reports.models import Checker, Circulation, ReportVersion
from reviews.models import Review

LONDON = ZoneInfo("Europe/London")


def at(year, month, day):
    return time_machine.travel(datetime(year, month, day, 9, 0, tzinfo=LONDON), tick=False)


def page(client, review, user):
    # Signed in at the travelled-to time, so the session is fresh then.
    client.force_login(user)
    return client.get(reverse("overview:review_detail", args=[review.partnership.slug, review.pk]))


def names(review_clocks):
    return {clock.name: clock for clock in review_clocks}


def test_working_days_skip_christmas_and_the_boxing_day_substitute():
    # Friday 25 December 2026, Monday 28 December (Boxing Day falls on a Saturday) and Friday 1 January 2027.
    assert clocks.working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert clocks.working_days_between(date(2026, 12, 29), date(2026, 12, 24)) == -1
    assert clocks.working_days_between(date(2026, 12, 31), date(2027, 1, 4)) == 1
    assert clocks.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert clocks.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert clocks.add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)


@pytest.mark.django_db
def test_rapid_review_deadline_crosses_christmas(client, business_manager, review):
    review.incident_notified_on = date(2026, 12, 14)
    review.save()
    # 15 working days from Monday 14 December: without the three bank holidays it would be 4 January.
    with at(2027, 1, 4):
        clock = names(clocks.for_review(review))["Rapid review"]
        assert clock.due_on == date(2027, 1, 7)
        assert clock.state == clocks.State.DUE_SOON
        assert clock.working_days_left == 3
        html = page(client, review, business_manager).content.decode()
    assert "Thursday 7 January 2027" in html
    assert "Due soon" in html
    assert "3 working days left" in html
    assert "15 working days after the serious incident was notified" in html

    with at(2027, 1, 11):
        clock = names(clocks.for_review(review))["Rapid review"]
        assert clock.state == clocks.State.OVERDUE
        html = page(client, review, business_manager).content.decode()
    assert "Overdue" in html
    assert "2 working days overdue" in html

    with at(2027, 1, 7):
        assert names(clocks.for_review(review))["Rapid review"].countdown == "Due today"


@pytest.mark.django_db
def test_a_deadline_on_a_bank_holiday_weekend(review):
    # Due on Christmas Day itself: on Thursday 24th there is no working day left before it.
    review.target_completion_on = date(2026, 12, 25)
    review.save()
    with at(2026, 12, 24):
        assert names(clocks.for_review(review))["Review completed and published"].countdown == "No working days left"
    with at(2026, 12, 27):
        assert (
            names(clocks.for_review(review))["Review completed and published"].countdown
            == "Less than 1 working day overdue"
        )
    with at(2026, 12, 29):
        assert names(clocks.for_review(review))["Review completed and published"].countdown == ("1 working day overdue")


@pytest.mark.django_db
def test_the_rapid_review_is_done_only_once_it_is_recorded(client, business_manager, review):
    review.incident_notified_on = date(2026, 12, 14)
    review.commissioned_on = date(2027, 1, 20)
    review.status = review.Status.GATHERING
    review.save()
    with at(2027, 2, 1):
        by_name = names(clocks.for_review(review))
    # A later stage of the review says nothing about the rapid review: nothing recorded, not done.
    assert by_name["Rapid review"].state == clocks.State.OVERDUE
    review.rapid_review_sent_on = date(2027, 1, 5)
    review.save()
    with at(2027, 2, 1):
        by_name = names(clocks.for_review(review))
        html = page(client, review, business_manager).content.decode()
    assert by_name["Rapid review"].state == clocks.State.DONE
    # Six calendar months after commissioning, by the partnership's default target.
    assert by_name["Review completed and published"].due_on == date(2027, 7, 20)
    assert by_name["Review completed and published"].state == clocks.State.NOT_DUE
    assert "Tuesday 20 July 2027" in html
    assert 'govuk-tag--grey">Due</strong>' in html


@pytest.mark.django_db
def test_a_new_reviews_first_clock_is_never_done_before_anything_is_recorded(review):
    review.incident_notified_on = date(2026, 12, 14)
    review.commissioned_on = date(2026, 12, 15)
    review.save()
    with at(2026, 12, 16):
        assert names(clocks.for_review(review))["Rapid review"].state != clocks.State.DONE


@pytest.mark.django_db
def test_the_partnerships_own_targets_move_the_clocks(review, partnership):
    partnership.rapid_review_working_days = 10
    partnership.cspr_completion_months = 9
    partnership.save()
    review.incident_notified_on = date(2026, 12, 14)
    review.commissioned_on = date(2027, 1, 20)
    review.save()
    review = Review.objects.select_related("partnership").get(pk=review.pk)
    with at(2027, 2, 1):
        by_name = names(clocks.for_review(review))
    assert by_name["Rapid review"].due_on == date(2026, 12, 30)
    assert by_name["Review completed and published"].due_on == date(2027, 10, 20)


@pytest.mark.django_db
def test_a_recorded_target_date_wins_and_publication_completes_it(review):
    review.commissioned_on = date(2026, 6, 1)
    review.target_completion_on = date(2026, 11, 30)
    review.status = Review.Status.SIGNED_OFF
    review.save()
    with at(2026, 12, 1):
        clock = names(clocks.for_review(review))["Review completed and published"]
        assert clock.due_on == date(2026, 11, 30)
        assert clock.state == clocks.State.OVERDUE  # signed off, not yet published
        review.status = Review.Status.PUBLISHED
        assert names(clocks.for_review(review))["Review completed and published"].state == clocks.State.DONE


@pytest.mark.django_db
def test_a_sar_uses_the_partnerships_sar_targets(client, business_manager, review, partnership):
    partnership.sar_decision_working_days = 20
    partnership.sar_completion_months = 12
    partnership.save()
    review.review_type = Review.Type.SAR
    review.incident_notified_on = date(2026, 12, 14)
    review.save()
    with at(2027, 1, 4):
        by_name = names(clocks.for_review(Review.objects.get(pk=review.pk)))
        html = page(client, review, business_manager).content.decode()
    assert set(by_name) == {"Decision on the referral"}
    assert by_name["Decision on the referral"].due_on == date(2027, 1, 14)
    assert "20 working days after the referral was received" in html
    review.commissioned_on = date(2027, 1, 10)
    review.status = Review.Status.SIGNED_OFF
    review.save()
    with at(2027, 1, 11):
        by_name = names(clocks.for_review(Review.objects.get(pk=review.pk)))
    assert by_name["Review completed"].due_on == date(2028, 1, 10)
    # A SAR is complete at sign-off.
    assert by_name["Review completed"].state == clocks.State.DONE


@pytest.mark.django_db
def test_the_open_factual_accuracy_check_has_a_clock(client, business_manager, review):
    version = ReportVersion.objects.create(review=review, number=1, source=ReportVersion.Source.PDF)
    circulation = Circulation.objects.create(review=review, version=version, working_days=10, deadline=date(2027, 1, 8))
    Checker.objects.create(circulation=circulation, role=Checker.Role.ATTENDEE, name="Sam Green", email="s@x.example")
    with at(2026, 12, 28):
        clock = names(clocks.for_review(review))["Factual-accuracy comments"]
        html = page(client, review, business_manager).content.decode()
    # 29, 30, 31 December and 4 to 8 January: New Year's Day and the weekend are left out.
    assert clock.working_days_left == 8
    assert clock.state == clocks.State.DUE_SOON
    assert "Friday 8 January 2027" in html
    assert "8 working days left" in html
    with at(2026, 12, 21):
        assert names(clocks.for_review(review))["Factual-accuracy comments"].state == clocks.State.NOT_DUE

    circulation.closed_at = datetime(2027, 1, 5, 12, 0, tzinfo=LONDON)
    circulation.save()
    with at(2027, 1, 11):
        assert "Factual-accuracy comments" not in names(clocks.for_review(review))


@pytest.mark.django_db
def test_no_dates_no_clocks(client, business_manager, review):
    html = page(client, review, business_manager).content.decode()
    assert "No deadlines yet" in html


@pytest.mark.django_db
def test_the_assigned_reviewer_sees_the_clocks(client, review, reviewer):
    review.incident_notified_on = date(2026, 12, 14)
    review.save()
    with at(2027, 1, 4):
        html = page(client, review, reviewer).content.decode()
    assert "Rapid review" in html
    assert "change them on the partnership" not in html


def details(**overrides):
    return {
        "contact_name": "Priya Shah",
        "contact_email": "partnership@northvale.example",
        "contact_phone": "01632 960 101",
        "rsvp_reminder_working_days": "2",
        "event_reminder_days": "7, 1",
        "nomination_reminder_working_days": "2",
        "link_follow_up_days": "90",
        "rapid_review_working_days": "15",
        "cspr_completion_months": "6",
        "sar_decision_working_days": "15",
        "sar_completion_months": "6",
        "retention_days": "365",
    } | overrides


@pytest.mark.django_db
def test_business_manager_sets_the_targets(bm_client, partnership):
    url = reverse("partnerships:partnership_edit", args=[partnership.slug])
    form_page = bm_client.get(url).content.decode()
    assert "own target, not a time limit set in law" in form_page
    response = bm_client.post(url, details(rapid_review_working_days="10", sar_completion_months="9"))
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert (partnership.rapid_review_working_days, partnership.sar_completion_months) == (10, 9)
    assert AuditEntry.objects.get(action="partnership.updated").detail["fields"] == [
        "rapid_review_working_days",
        "sar_completion_months",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rapid_review_working_days", "0", "Enter 1 working days or more"),
        ("rapid_review_working_days", "ten", "Enter a whole number of working days"),
        ("cspr_completion_months", "61", "Enter 60 months or fewer"),
        ("retention_days", "7", "Enter 30 days or more"),
        ("retention_days", "99999", "Enter 7305 days or fewer"),
    ],
)
def test_a_bad_target_is_a_field_error_and_nothing_changes(bm_client, partnership, field, value, message):
    url = reverse("partnerships:partnership_edit", args=[partnership.slug])
    response = bm_client.post(url, details(**{field: value}, contact_phone="01632 000 000"))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert "There is a problem" in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.contact_phone == "01632 960 101"
    assert (
        getattr(partnership, field) == Review._meta.apps.get_model("core", "Partnership")._meta.get_field(field).default
    )


@pytest.mark.django_db
def test_a_target_left_blank_keeps_its_value(bm_client, partnership):
    partnership.retention_days = 400
    partnership.save()
    url = reverse("partnerships:partnership_edit", args=[partnership.slug])
    assert bm_client.post(url, details(retention_days="", contact_phone="01632 000 000")).status_code == 302
    partnership.refresh_from_db()
    assert partnership.retention_days == 400
    assert AuditEntry.objects.get(action="partnership.updated").detail["fields"] == ["contact_phone"]


@pytest.mark.django_db
def test_only_business_managers_change_the_targets(client, partnership, reviewer, outsider):
    url = reverse("partnerships:partnership_edit", args=[partnership.slug])
    client.force_login(reviewer)
    assert client.post(url, details(retention_days="30")).status_code == 403
    client.force_login(outsider)
    assert client.post(url, details(retention_days="30")).status_code == 404
    partnership.refresh_from_db()
    assert partnership.retention_days == 365
