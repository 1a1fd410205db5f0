"""The review's timeline: recording its start, the event decision and the final report's sending; its clocks."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from core.errors import DomainError
from core.models import AuditEntry
from reviews import clocks
from reviews.models import Review
from reviews.services import record_timeline, update_review

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def at(year, month, day):
    return time_machine.travel(datetime(year, month, day, 9, 0, tzinfo=LONDON), tick=False)


def timeline_url(review):
    return reverse("reviews:review_timeline", args=[review.partnership.slug, review.pk])


def edit_url(review):
    return reverse("reviews:review_timeline_edit", args=[review.partnership.slug, review.pk])


def review_url(review):
    return reverse("overview:review_detail", args=[review.partnership.slug, review.pk])


def overview_url(review):
    return reverse("overview:partnership_overview", args=[review.partnership.slug])


def signed_in(client, user):
    # Signed in at the travelled-to time, so the session is fresh then.
    client.force_login(user)
    return client


def dates(**fields):
    """The POST of the timeline form's date fields: {"became_aware_on": date(...)} as three boxes each."""
    data = {}
    for name, day in fields.items():
        data |= {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}
    return data


def by_name(review):
    review = Review.objects.select_related("partnership").get(pk=review.pk)
    return {clock.name: clock for clock in clocks.review_clocks(review, partnership=review.partnership, today=today())}


def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def sar(partnership, reviewer):
    review = Review.objects.create(
        partnership=partnership,
        review_type=Review.Type.SAR,
        reference="SAR 2027-02",
        pseudonym="Adult C",
        scope_start=date(2025, 1, 1),
        scope_end=date(2025, 12, 31),
    )
    review.reviewers.add(reviewer)
    return review


# The clocks, across bank holidays ---------------------------------------------------------------


def test_the_national_panels_notification_is_due_5_working_days_after_becoming_aware_over_christmas(
    client, business_manager, review
):
    # Wednesday 23 December 2026: Christmas Day, the Boxing Day substitute (Monday 28th) and New Year's Day
    # do not count, so the fifth working day is Monday 4 January 2027, not Wednesday 30 December.
    review.became_aware_on = date(2026, 12, 23)
    review.save()
    with at(2026, 12, 28):
        clock = by_name(review)["National panel notified"]
        assert clock.due_on == date(2027, 1, 4)
        assert (clock.state, clock.countdown) == (clocks.State.DUE_SOON, "4 working days left")
        client.force_login(business_manager)
        for url in (timeline_url(review), review_url(review), overview_url(review)):
            html = client.get(url).content.decode()
            assert "National panel notified" in html and "Due soon" in html, url
        assert "Monday 4 January 2027" in client.get(timeline_url(review)).content.decode()
    with at(2027, 1, 5):
        clock = by_name(review)["National panel notified"]
        assert (clock.state, clock.countdown) == (clocks.State.OVERDUE, "1 working day overdue")
        client.force_login(business_manager)
        for url in (timeline_url(review), review_url(review), overview_url(review)):
            assert "Overdue" in client.get(url).content.decode(), url
        # Recorded a day late, it reads recorded late; the rapid review's clock starts from that day.
        record_timeline(review=review, data={"incident_notified_on": date(2027, 1, 5)}, recorded_by=business_manager)
        clocks_now = by_name(review)
        assert clocks_now["National panel notified"].state == clocks.State.DONE_LATE
        assert clocks_now["National panel notified"].tag_text == "Recorded late (1 working day)"
        # 15 working days from Tuesday 5 January 2027.
        assert clocks_now["Rapid review"].due_on == date(2027, 1, 26)
        assert clocks_now["Rapid review"].state == clocks.State.NOT_DUE
        overview_html = client.get(overview_url(review)).content.decode()
        html = client.get(timeline_url(review)).content.decode()
    assert 'govuk-tag--orange">Recorded late (1 working day)</strong> National panel notified<br>' in overview_html
    assert "Recorded late (1 working day)" in html
    assert 'govuk-tag--grey">Due</strong>' in html


def test_the_rapid_review_clock_is_recorded_only_when_it_is_sent(business_manager, review):
    with at(2027, 1, 20):
        record_timeline(
            review=review,
            data={
                "became_aware_on": date(2026, 12, 22),
                "incident_notified_on": date(2026, 12, 23),
                "rapid_review_meeting_on": date(2027, 1, 8),
            },
            recorded_by=business_manager,
        )
        # 15 working days from 23 December 2026, three bank holidays between: Monday 18 January 2027.
        clock = by_name(review)["Rapid review"]
        assert (clock.due_on, clock.state) == (date(2027, 1, 18), clocks.State.OVERDUE)
        record_timeline(
            review=review,
            data={"rapid_review_sent_on": date(2027, 1, 18), "rapid_review_outcome": "local_review"},
            recorded_by=business_manager,
        )
        assert by_name(review)["Rapid review"].state == clocks.State.DONE


def test_the_sar_decision_is_due_after_easter(client, business_manager, sar):
    # Referral received Thursday 25 March 2027: Good Friday and Easter Monday do not count, so the
    # partnership's 15 working days end on Monday 19 April, not Thursday 15 April.
    sar.incident_notified_on = date(2027, 3, 25)
    sar.save()
    with at(2027, 4, 15):
        clock = by_name(sar)["Decision on the referral"]
        assert (clock.due_on, clock.countdown) == (date(2027, 4, 19), "2 working days left")
    with at(2027, 4, 19):
        assert by_name(sar)["Decision on the referral"].countdown == "Due today"
    with at(2027, 4, 20):
        assert by_name(sar)["Decision on the referral"].state == clocks.State.OVERDUE
        client.force_login(business_manager)
        response = client.post(
            edit_url(sar),
            {"referral_decision": "no_sar", "decision_reason": "The criteria in section 44 are not met."}
            | dates(incident_notified_on=date(2027, 3, 25), referral_decided_on=date(2027, 4, 20)),
        )
        assert response.status_code == 302
        assert by_name(sar)["Decision on the referral"].state == clocks.State.DONE_LATE
        html = client.get(timeline_url(sar)).content.decode()
    assert "Recorded late (1 working day)" in html
    assert "No safeguarding adult review" in html
    assert "The criteria in section 44 are not met." in html
    assert "Referral received" in html


def test_a_rapid_review_sent_after_its_deadline_reads_recorded_late_on_every_page(client, business_manager, review):
    # Notified Friday 23 July 2027; with 10 working days the rapid review is due Friday 6 August. Sent
    # on Wednesday 1 September, after the summer bank holiday (Monday 30 August): 17 working days late,
    # not 18. Sent on the day it was due, it stays "Recorded".
    review.partnership.rapid_review_working_days = 10
    review.partnership.save()
    with at(2027, 9, 2):
        record_timeline(
            review=review,
            data={"incident_notified_on": date(2027, 7, 23), "rapid_review_sent_on": date(2027, 9, 1)},
            recorded_by=business_manager,
        )
        clock = by_name(review)["Rapid review"]
        assert (clock.due_on, clock.state) == (date(2027, 8, 6), clocks.State.DONE_LATE)
        assert clock.working_days_late == 17
        assert (clock.tag_text, clock.tag_class) == ("Recorded late (17 working days)", "govuk-tag--orange")
        client.force_login(business_manager)
        for url in (timeline_url(review), review_url(review), overview_url(review)):
            html = client.get(url).content.decode()
            assert 'govuk-tag--orange">Recorded late (17 working days)</strong>' in html, url
            assert 'govuk-tag--green">Recorded</strong> Rapid review' not in html, url
        record_timeline(review=review, data={"rapid_review_sent_on": date(2027, 8, 6)}, recorded_by=business_manager)
        clock = by_name(review)["Rapid review"]
        assert (clock.state, clock.tag_text, clock.tag_class) == (clocks.State.DONE, "Recorded", "govuk-tag--green")
        assert "Recorded late" not in client.get(timeline_url(review)).content.decode()


# Recording it ------------------------------------------------------------------------------------


def test_the_business_manager_records_a_cspr_timeline(client, business_manager, review):
    with at(2027, 2, 1):
        bm_client = signed_in(client, business_manager)
        response = bm_client.post(
            edit_url(review),
            {"rapid_review_outcome": "no_local_review", "decision_reason": "The learning is already known."}
            | {"event_recommended_by": "reviewer", "final_report_sent_to": "Director of children's services"}
            | dates(
                became_aware_on=date(2026, 12, 22),
                incident_notified_on=date(2026, 12, 23),
                rapid_review_meeting_on=date(2027, 1, 8),
                rapid_review_sent_on=date(2027, 1, 12),
                event_recommended_on=date(2027, 1, 20),
                final_report_sent_on=date(2027, 1, 25),
            ),
        )
        assert response.status_code == 302
        assert response["Location"] == timeline_url(review)
        page = bm_client.get(timeline_url(review)).content.decode()
    review.refresh_from_db()
    assert (review.became_aware_on, review.rapid_review_sent_on) == (date(2026, 12, 22), date(2027, 1, 12))
    assert review.rapid_review_outcome == "no_local_review"
    assert review.decision_reason == "The learning is already known."
    assert (review.event_recommended_by, review.event_recommended_on) == ("reviewer", date(2027, 1, 20))
    assert review.final_report_sent_to == "Director of children's services"
    entry = AuditEntry.objects.get(action="review.timeline_recorded")
    assert "became_aware_on" in entry.detail["fields"] and "decision_reason" in entry.detail["fields"]
    # Sent on Monday 25 January 2027: with the default 7 working days, publishable from Wednesday 3 February.
    assert "Wednesday 3 February 2027" in page
    assert "The independent reviewer" in page
    assert "No local review" in page


def test_saving_nothing_new_records_nothing(business_manager, review):
    data = {"event_recommended_by": "panel", "event_recommended_on": date(2026, 11, 2)}
    record_timeline(review=review, data=data, recorded_by=business_manager)
    record_timeline(review=review, data=data, recorded_by=business_manager)
    assert AuditEntry.objects.filter(action="review.timeline_recorded").count() == 1
    with pytest.raises(DomainError, match="Enter the date the practitioner event was recommended"):
        record_timeline(review=review, data={"event_recommended_on": None}, recorded_by=business_manager)
    review.refresh_from_db()
    assert review.event_recommended_on == date(2026, 11, 2)


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"rapid_review_outcome": "no_local_review"} | dates(rapid_review_sent_on=date(2027, 1, 12)),
            "decision_reason",
            "Enter why there is no local review",
        ),
        (
            {"rapid_review_outcome": "local_review"},
            "rapid_review_sent_on",
            "Enter the date the rapid review was sent to the national panel",
        ),
        (
            dates(became_aware_on=date(2027, 1, 10), incident_notified_on=date(2027, 1, 8)),
            "incident_notified_on",
            "The date the national panel was notified must be on or after the date the local authority became aware",
        ),
        (
            dates(final_report_sent_on=date(2027, 2, 2)),
            "final_report_sent_on",
            "The date the final report was sent must be today or in the past",
        ),
        (
            {"became_aware_on_0": "31", "became_aware_on_1": "2", "became_aware_on_2": "2027"},
            "became_aware_on",
            "The date the local authority became aware of the serious incident must be a real date",
        ),
        ({"event_recommended_by": "panel"}, "event_recommended_on", "Enter the date the practitioner event was"),
    ],
)
def test_what_cannot_be_recorded_is_refused_beside_its_field(client, business_manager, review, data, field, message):
    with at(2027, 2, 1):
        bm_client = signed_in(client, business_manager)
        response = bm_client.post(edit_url(review), data | {"final_report_sent_to": "Kept as typed"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert message in str(response.context["form"].errors[field])
    assert "Kept as typed" in html  # nothing typed is lost
    review.refresh_from_db()
    assert (review.became_aware_on, review.rapid_review_outcome, review.final_report_sent_on) == (None, "", None)
    assert not AuditEntry.objects.filter(action="review.timeline_recorded").exists()


def test_a_sar_decision_needs_its_date_and_a_no_needs_its_reason(client, business_manager, sar):
    with at(2027, 2, 1):
        bm_client = signed_in(client, business_manager)
        html = bm_client.post(edit_url(sar), {"referral_decision": "no_sar"}).content.decode()
    assert "Enter the date of the decision on the referral" in html
    assert "Enter why there is no safeguarding adult review" in html
    sar.refresh_from_db()
    assert sar.referral_decision == ""


def test_the_sar_form_asks_about_the_referral(bm_client, sar):
    html = bm_client.get(edit_url(sar)).content.decode()
    assert "Referral received" in html and "Decision on the referral" in html
    assert "Rapid review" not in html and "became aware" not in html


def test_a_reviewer_reads_the_timeline_but_cannot_record_it(client, reviewer, review):
    client.force_login(reviewer)
    page = client.get(timeline_url(review)).content.decode()
    assert "Timeline of the review" in page
    assert "Record the timeline" not in page
    assert client.get(edit_url(review)).status_code == 403
    assert client.post(edit_url(review), {"event_recommended_by": "panel"}).status_code == 403
    review.refresh_from_db()
    assert review.event_recommended_by == ""


def test_changing_the_review_keeps_its_timeline(business_manager, reviewer, review):
    record_timeline(review=review, data={"incident_notified_on": date(2026, 11, 2)}, recorded_by=business_manager)
    update_review(
        review=review,
        data={
            "review_type": "cspr",
            "reference": "CSPR 2026-01",
            "pseudonym": "Child B",
            "scope_start": date(2024, 1, 1),
            "scope_end": date(2025, 12, 31),
            "commissioned_on": None,
            "target_completion_on": None,
            "reviewers": [reviewer],
            "theme_titles": ["Neglect"],
        },
        changed_by=business_manager,
    )
    review.refresh_from_db()
    assert review.incident_notified_on == date(2026, 11, 2)


def test_the_partnership_sets_its_notice_period_and_who_else_receives_the_report(bm_client, partnership):
    from tests.reviews.test_clocks import details

    url = reverse("partnerships:partnership_edit", args=[partnership.slug])
    response = bm_client.post(
        url, details(publication_notice_working_days="10", final_report_recipients="Ofsted and the police")
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert (partnership.publication_notice_working_days, partnership.final_report_recipients) == (
        10,
        "Ofsted and the police",
    )
    html = bm_client.post(url, details(publication_notice_working_days="0")).content.decode()
    assert "Enter 1 working days or more" in html
