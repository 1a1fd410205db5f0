"""Holding back or publishing the signed-off report, the public pages, and telling the practitioners."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from core.errors import DomainError
from core.models import AuditEntry
from events.models import Attendance, Invitation
from notifications.models import OutboundMessage
from practitioners.models import Practitioner
from reports import signoff
from reports.models import Publication, ReportVersion
from reviews.models import Review, ReviewStatusChange
from reviews.services import record_timeline
from tests.events.conftest import invite, make_event
from tests.reports.test_responses import PARAGRAPHS, logged_in, make_checker, make_circulation, make_version

pytestmark = pytest.mark.django_db

REASON = "Held until the criminal trial has ended."


def send_final_report(review, by, days_ago=21):
    """Record that the final report went to the national panel long enough ago to publish it today."""
    record_timeline(
        review=review, data={"final_report_sent_on": timezone.localdate() - timedelta(days=days_ago)}, recorded_by=by
    )


def publication_url(review):
    return reverse("reports:report_publication", args=[review.partnership.slug, review.pk])


def public_urls(review, slug="cspr-2026-01"):
    partnership = review.partnership.slug
    return {
        "list": reverse("published:list", args=[partnership]),
        "report": reverse("published:report", args=[partnership, slug]),
        "pdf": reverse("published:report_pdf", args=[partnership, slug]),
    }


@pytest.fixture
def circulation(review):
    circulation = make_circulation(make_version(review))
    make_checker(circulation, "Dana Price", "dana@police.example")
    make_checker(circulation, "Sam Osei", "Sam.Osei@school.example")
    return circulation


@pytest.fixture
def signed_off(review, circulation, business_manager):
    signoff.sign_off(
        review,
        version=circulation.version,
        body="Safeguarding Partnership Executive",
        signed_off_on=timezone.localdate() - timedelta(days=30),
        minute_reference="SPE 2027/14",
        recorded_by=business_manager,
    )
    send_final_report(review, business_manager)
    review.refresh_from_db()
    return review


# Before sign-off, and who may -------------------------------------------------------------------


def test_nothing_is_published_before_sign_off(bm_client, business_manager, review, circulation):
    page = bm_client.get(publication_url(review)).content.decode()
    assert "Record the sign-off" in page

    response = bm_client.post(publication_url(review), {"action": "publish"}, follow=True)

    assert "Record the sign-off before the report is held or published." in response.content.decode()
    assert not Publication.objects.exists()
    with pytest.raises(DomainError):
        signoff.hold_publication(review, reason=REASON, by=business_manager)
    assert not Publication.objects.exists()


def test_reviewers_get_403(reviewer, signed_off):
    browser = logged_in(reviewer)

    assert browser.get(publication_url(signed_off)).status_code == 403
    assert browser.post(publication_url(signed_off), {"action": "publish"}).status_code == 403
    assert not Publication.objects.exists()


def test_an_outsider_gets_404(outsider, signed_off):
    browser = logged_in(outsider)

    assert browser.get(publication_url(signed_off)).status_code == 404
    assert browser.post(publication_url(signed_off), {"action": "publish"}).status_code == 404
    assert not Publication.objects.exists()


# Hold, then publish -----------------------------------------------------------------------------


def test_holding_back_needs_a_reason(bm_client, signed_off):
    response = bm_client.post(publication_url(signed_off), {"action": "hold", "reason": " "})

    assert response.status_code == 200
    assert "Enter why the report is held back" in response.content.decode()
    assert not Publication.objects.exists()


def test_hold_then_publish(bm_client, client, business_manager, signed_off):
    review = signed_off
    urls = public_urls(review)

    response = bm_client.post(publication_url(review), {"action": "hold", "reason": REASON})

    assert response.status_code == 302
    publication = Publication.objects.get(review=review)
    assert (publication.state, publication.hold_reason, publication.slug) == ("held", REASON, "cspr-2026-01")
    assert publication.published_at is None
    entry = AuditEntry.objects.get(action="report.publication_held")
    assert REASON not in str(entry.detail)
    assert REASON in bm_client.get(publication_url(review)).content.decode()
    assert client.get(urls["report"]).status_code == 404
    assert client.get(urls["pdf"]).status_code == 404
    assert "Child B" not in client.get(urls["list"]).content.decode()

    response = bm_client.post(publication_url(review), {"action": "publish"})

    assert response.status_code == 302
    publication.refresh_from_db()
    assert (publication.state, publication.published_by, publication.hold_reason) == ("published", business_manager, "")
    assert publication.published_at is not None
    review.refresh_from_db()
    assert review.status == Review.Status.PUBLISHED
    change = ReviewStatusChange.objects.get(review=review, to_status=Review.Status.PUBLISHED)
    assert (change.from_status, change.changed_by) == (Review.Status.SIGNED_OFF, business_manager)
    assert AuditEntry.objects.get(action="report.published").detail == {"slug": "cspr-2026-01"}
    page = bm_client.get(publication_url(review)).content.decode()
    assert "http://testserver" not in page and urls["report"] in page


def test_publishing_twice_or_holding_a_published_report_is_refused(business_manager, signed_off):
    signoff.publish(signed_off, by=business_manager)

    with pytest.raises(DomainError, match="already published"):
        signoff.publish(signed_off, by=business_manager)
    with pytest.raises(DomainError, match="already published"):
        signoff.hold_publication(signed_off, reason=REASON, by=business_manager)
    assert Publication.objects.get(review=signed_off).state == "published"


def test_the_address_is_unique_within_the_partnership(business_manager, other_partnership, outsider, signed_off):
    review = signed_off
    twin = Review.objects.create(
        partnership=review.partnership,
        review_type="cspr",
        reference="CSPR 2026 01",
        pseudonym="Child D",
        scope_start=date(2025, 1, 1),
        scope_end=date(2025, 6, 30),
    )
    elsewhere = Review.objects.create(
        partnership=other_partnership,
        review_type="cspr",
        reference="CSPR 2026-01",
        pseudonym="Child E",
        scope_start=date(2025, 1, 1),
        scope_end=date(2025, 6, 30),
    )
    for other, by in [(twin, business_manager), (elsewhere, outsider)]:
        signoff.sign_off(
            other,
            version=make_circulation(make_version(other)).version,
            body="Executive",
            signed_off_on=timezone.localdate() - timedelta(days=30),
            minute_reference="1",
            recorded_by=by,
        )
        send_final_report(other, by)

    assert signoff.publish(review, by=business_manager).slug == "cspr-2026-01"
    assert signoff.publish(twin, by=business_manager).slug == "cspr-2026-01-2"
    assert signoff.publish(elsewhere, by=outsider).slug == "cspr-2026-01"


# The public pages -------------------------------------------------------------------------------


@pytest.fixture
def published(business_manager, signed_off):
    signoff.publish(signed_off, by=business_manager)
    return signed_off


def test_the_public_list_needs_no_sign_in(client, published):
    response = client.get(public_urls(published)["list"])

    assert response.status_code == 200
    page = response.content.decode()
    assert "Published reviews" in page
    for expected in ("Child B", "CSPR 2026-01", "Child Safeguarding Practice Review"):
        assert expected in page
    assert public_urls(published)["report"] in page
    assert "Alex Smith" not in page and "Dana Price" not in page


def test_the_public_report_needs_no_sign_in(client, published):
    response = client.get(public_urls(published)["report"])

    assert response.status_code == 200
    page = response.content.decode()
    assert "Child Safeguarding Practice Review: Child B" in page
    assert "Children Act 2004" in page
    for paragraph in PARAGRAPHS:
        assert paragraph in page
    assert public_urls(published)["pdf"] in page
    assert "factual-accuracy check only" not in page
    for secret in ("Alex Smith", "Dana Price", "Sam Osei", "SPE 2027/14"):
        assert secret not in page


def test_the_public_pdf_has_no_stamp(client, published):
    response = client.get(public_urls(published)["pdf"])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="northvale-cspr-2026-01.pdf"'
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "Child Safeguarding Practice Review: Child B" in text
    assert all(paragraph in text for paragraph in PARAGRAPHS)
    assert "factual-accuracy check only" not in text and "Draft" not in text
    assert "Alex Smith" not in text


def test_an_uploaded_pdf_is_published_as_it_was_uploaded(client, business_manager, review):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    version = ReportVersion.objects.create(
        review=review,
        number=1,
        source=ReportVersion.Source.PDF,
        body_html='<section id="page-1"><p>A blank page.</p></section>',
        unit_count=1,
        name_check_at=timezone.now(),
        created_at=timezone.now() - timedelta(days=60),
    )
    version.file.save("report.pdf", ContentFile(buffer.getvalue()))
    make_circulation(version)
    signoff.sign_off(
        review,
        version=version,
        body="Executive",
        signed_off_on=timezone.localdate() - timedelta(days=30),
        minute_reference="1",
        recorded_by=business_manager,
    )
    send_final_report(review, business_manager)
    signoff.publish(review, by=business_manager)

    response = client.get(public_urls(review)["pdf"])

    assert response.status_code == 200
    assert response.content == buffer.getvalue()


def test_unknown_or_unpublished_reports_are_404(client, signed_off, review):
    urls = public_urls(review)

    assert client.get(urls["report"]).status_code == 404
    assert client.get(urls["pdf"]).status_code == 404
    assert client.get(reverse("published:list", args=["nowhere"])).status_code == 404
    assert client.get(reverse("published:report", args=["eastmere", "cspr-2026-01"])).status_code == 404


# Telling the practitioners ----------------------------------------------------------------------


@pytest.fixture
def attendees(partnership, published):
    """Three invitees: one attended, one came with their manager and also checked the draft, one did not come."""
    from practitioners.models import Agency

    agency = Agency.objects.create(partnership=partnership, name="Northvale Health Trust", agency_type="health")
    event = make_event(published)
    people = {}
    for name, email, attendance in [
        ("Lee Patel", "lee.patel@health.example", Attendance.ATTENDED),
        ("Sam Osei", "sam.osei@school.example", Attendance.WITH_MANAGER),
        ("Kim Noor", "kim.noor@health.example", Attendance.DID_NOT_ATTEND),
    ]:
        practitioner = Practitioner.objects.create(
            partnership=partnership, full_name=name, job_title="Nurse", agency=agency, email=email
        )
        invitation = invite(event, practitioner, Invitation.Status.ACCEPTED)
        invitation.attendance = attendance
        invitation.save()
        people[name] = invitation
    return people


def test_tell_practitioners_emails_each_person_once(
    bm_client, published, attendees, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = bm_client.post(publication_url(published), {"action": "tell"}, follow=True)

    assert "Emails are on their way to 3 people." in response.content.decode()
    messages = OutboundMessage.objects.filter(kind="report_published")
    assert sorted(messages.values_list("recipient", flat=True)) == [
        "dana@police.example",
        "lee.patel@health.example",
        "sam.osei@school.example",
    ]
    address = "http://127.0.0.1:8000" + public_urls(published)["report"]
    for message in messages:
        assert message.subject == "The report of review CSPR 2026-01 (Child B) is published"
        assert address in message.body_text and address in message.body_html
        for text in (message.subject, message.body_text, message.body_html):
            assert "Alex Smith" not in text
    assert "Dear Lee Patel," in messages.get(recipient="lee.patel@health.example").body_text
    assert Publication.objects.get(review=published).practitioners_told_at is not None
    assert AuditEntry.objects.get(action="report.practitioners_told").detail == {"count": 3}

    with django_capture_on_commit_callbacks(execute=True):
        response = bm_client.post(publication_url(published), {"action": "tell"}, follow=True)

    assert "Nobody new to tell" in response.content.decode()
    assert OutboundMessage.objects.filter(kind="report_published").count() == 3


def test_nobody_is_told_before_publication(business_manager, signed_off, bm_client):
    with pytest.raises(DomainError, match="Publish the report"):
        signoff.tell_practitioners(signed_off, by=business_manager)
    response = bm_client.post(publication_url(signed_off), {"action": "tell"}, follow=True)

    assert "Publish the report before telling the practitioners." in response.content.decode()
    assert not OutboundMessage.objects.filter(kind="report_published").exists()


# The draft report page's panel ------------------------------------------------------------------


def test_the_panel_shows_the_state(business_manager, reviewer, published):
    panel = signoff.panel_context(published, business_manager)["signoff_panel"]

    assert panel["sign_off"].minute_reference == "SPE 2027/14"
    assert panel["publication"].state == "published"
    assert panel["public_url"] == public_urls(published)["report"]
    assert panel["counts"] == {"total": 0, "answered": 0, "outstanding": 0}
    assert panel["publication_url"] == publication_url(published)

    page = logged_in(business_manager).get(
        reverse("reports:report_home", args=[published.partnership.slug, published.pk])
    )
    assert "Comments, sign-off and publication" in page.content.decode()
    assert "Published on" in page.content.decode()

    as_reviewer = signoff.panel_context(published, reviewer)["signoff_panel"]
    assert as_reviewer["sign_off_url"] is None and as_reviewer["publication_url"] is None
    assert as_reviewer["can_answer"] is False


# The notice period before publication -----------------------------------------------------------


def _travel(year, month, day):

    return time_machine.travel(datetime(year, month, day, 9, 0, tzinfo=ZoneInfo("Europe/London")), tick=False)


def test_publishing_inside_the_notice_period_is_refused_with_the_date_it_becomes_possible(
    client, business_manager, signed_off
):
    # Sent on Wednesday 23 December 2026: Christmas Day, the Boxing Day substitute and New Year's Day do not
    # count, so the partnership's 7 working days end on Wednesday 6 January 2027.
    with _travel(2026, 12, 23):
        record_timeline(
            review=signed_off, data={"final_report_sent_on": date(2026, 12, 23)}, recorded_by=business_manager
        )
    with _travel(2027, 1, 5):
        client.force_login(business_manager)
        page = client.get(publication_url(signed_off)).content.decode()
        assert "The report can be published from Wednesday 6 January 2027" in page
        response = client.post(publication_url(signed_off), {"action": "publish"}, follow=True)
        html = response.content.decode()
        assert "There is a problem" in html
        assert "The report can be published from Wednesday 6 January 2027" in html
        assert "Wednesday 23 December 2026" in html
        assert not Publication.objects.exists()
        signed_off.refresh_from_db()
        assert signed_off.status == Review.Status.SIGNED_OFF
        assert not AuditEntry.objects.filter(action="report.published").exists()
        with pytest.raises(DomainError, match="Wednesday 6 January 2027"):
            signoff.publish(signed_off, by=business_manager)
        assert not Publication.objects.exists()
    with _travel(2027, 1, 6):
        client.force_login(business_manager)
        assert "can be published from" not in client.get(publication_url(signed_off)).content.decode()
        assert client.post(publication_url(signed_off), {"action": "publish"}).status_code == 302
    assert Publication.objects.get(review=signed_off).state == Publication.State.PUBLISHED


def test_the_partnerships_own_notice_period_counts(business_manager, signed_off):
    partnership = signed_off.partnership
    partnership.publication_notice_working_days = 30
    partnership.save()
    with pytest.raises(DomainError, match="The report can be published from"):
        signoff.publish(signed_off, by=business_manager)
    assert not Publication.objects.exists()


def test_nothing_is_published_before_the_final_reports_sending_is_recorded(bm_client, business_manager, signed_off):
    record_timeline(review=signed_off, data={"final_report_sent_on": None}, recorded_by=business_manager)

    response = bm_client.post(publication_url(signed_off), {"action": "publish"}, follow=True)

    html = response.content.decode()
    assert "Record the date the final report was sent to the national panel and others" in html
    assert "7 working days after that date" in html
    assert not Publication.objects.exists()
    signed_off.refresh_from_db()
    assert signed_off.status == Review.Status.SIGNED_OFF


def test_a_sending_date_before_sign_off_does_not_start_the_notice_period(bm_client, business_manager, signed_off):
    # The final report is the signed-off one: recorded as sent before it was signed off, the date cannot count.
    signed_on = signed_off.sign_off.signed_off_on
    record_timeline(
        review=signed_off, data={"final_report_sent_on": signed_on - timedelta(days=5)}, recorded_by=business_manager
    )

    page = bm_client.get(publication_url(signed_off)).content.decode()
    response = bm_client.post(publication_url(signed_off), {"action": "publish"}, follow=True)

    assert "before it was signed off on" in page
    assert "Record dates on the review's timeline" in page
    assert "before it was signed off on" in response.content.decode()
    assert not Publication.objects.exists()
    with pytest.raises(DomainError, match="Record the date the signed-off report was sent"):
        signoff.publish(signed_off, by=business_manager)
    signed_off.refresh_from_db()
    assert signed_off.status == Review.Status.SIGNED_OFF

    record_timeline(review=signed_off, data={"final_report_sent_on": signed_on}, recorded_by=business_manager)
    assert signoff.publish(signed_off, by=business_manager).state == Publication.State.PUBLISHED
