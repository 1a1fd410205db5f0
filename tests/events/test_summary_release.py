"""Releasing the confidential summary to accepted invitees, reading it, and everyone who is refused."""

import io
import re
from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse

from core import links
from core.models import AuditEntry
from events import invitations, summary
from events.models import Event, Invitation, SummaryReader, SummaryRelease, SummaryVersion
from notifications.models import OutboundMessage
from tests.events.conftest import LONDON, invite, make_event, make_practitioners

pytestmark = pytest.mark.django_db

BODY = "<h2>What is known</h2><p>The family moved to Northvale in 2024.</p>"
AVAILABLE = datetime(2026, 11, 16, 9, 0, tzinfo=LONDON)
READING = datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)
# The event ends at 1pm on 8 December; access closes 14 days later.
CLOSES = datetime(2026, 12, 22, 13, 0, tzinfo=LONDON)


def with_link(invitation):
    """Give an invitation a working personal link; keep the token to open it."""
    invitation.token = links.issue(invitation, expires_at=invitations.link_expiry(invitation.event))
    invitation.save()
    return invitation


def open_link(token):
    browser = Client()
    assert browser.post(reverse("invitation:start", args=[token])).status_code == 302
    return browser


@pytest.fixture
def version(event, reviewer):
    return SummaryVersion.objects.create(event=event, number=1, source="written", body_html=BODY, created_by=reviewer)


@pytest.fixture
def people(event, partnership, sam, lee, health):
    declined, waiting, not_sent = make_practitioners(partnership, health, 3, start=900)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.INVITATIONS_SENT)
    return {
        "sam": with_link(invite(event, sam, Invitation.Status.ACCEPTED)),
        "lee": with_link(invite(event, lee, Invitation.Status.ACCEPTED)),
        "declined": with_link(invite(event, declined, Invitation.Status.DECLINED)),
        "waiting": with_link(invite(event, waiting, Invitation.Status.INVITED)),
        "not_sent": invite(event, not_sent),
    }


def release_url(event):
    return reverse("events:summary_release", args=[event.review.partnership.slug, event.pk])


def readers_url(event):
    return reverse("events:summary_readers", args=[event.review.partnership.slug, event.pk])


def release_form(version, day=AVAILABLE, at="9am"):
    return {
        "version": version.pk,
        "available_on_0": str(day.day),
        "available_on_1": str(day.month),
        "available_on_2": str(day.year),
        "available_at": at,
    }


@pytest.fixture
def released(frozen, bm_client, event, version, people, mailoutbox, django_capture_on_commit_callbacks):
    """Released through the page on 2 November, readable from 16 November; returns the emailed links."""
    with django_capture_on_commit_callbacks(execute=True):
        response = bm_client.post(release_url(event), release_form(version))
    assert response.status_code == 302 and response["Location"] == readers_url(event)
    links = {m.to[0]: link_in(m) for m in mailoutbox}
    mailoutbox.clear()
    return links


def link_in(message):
    return re.search(r"https?://[^/]+/invitation/([^/\s]+)/", message.body).group(1)


def reader_browser(frozen, released, who, when=READING):
    frozen.move_to(when)
    return open_link(released[who])


def accept_and_read(browser):
    assert browser.post(reverse("invitation:summary_terms"), {"agree": "on"}).status_code == 302
    return browser.get(reverse("invitation:summary_read"))


# Releasing ------------------------------------------------------------------------------------


def test_release_emails_each_accepted_invitee_once_with_a_fresh_link(
    frozen, bm_client, event, version, people, mailoutbox, django_capture_on_commit_callbacks
):
    page = bm_client.get(release_url(event)).content.decode()
    assert "Version 1" in page and f'value="{version.pk}"' in page and "checked" in page
    with django_capture_on_commit_callbacks(execute=True):
        bm_client.post(release_url(event), release_form(version))

    assert sorted(m.to[0] for m in mailoutbox) == ["lee.patel@health.example", "sam.green@police.example"]
    release = SummaryRelease.objects.get(event=event)
    assert release.version == version and release.available_from == AVAILABLE and release.closes_at == CLOSES
    assert {r.invitation_id for r in release.readers.all()} == {people["sam"].pk, people["lee"].pk}
    keys = set(OutboundMessage.objects.filter(kind="summary_released").values_list("idempotency_key", flat=True))
    assert keys == {f"summary-released:{release.pk}:{people[n].pk}" for n in ("sam", "lee")}
    email = next(m for m in mailoutbox if m.to == ["sam.green@police.example"])
    assert "CSPR 2026/01 (Child A)" in email.subject and "Amelia" not in email.body + email.subject
    assert "not used in the final report" in email.body and "16 November 2026" in email.body
    # The email's link is a new one: the old one no longer opens anything.
    assert Client().post(reverse("invitation:start", args=[people["sam"].token])).status_code == 404
    assert Client().post(reverse("invitation:start", args=[link_in(email)])).status_code == 302
    entry = AuditEntry.objects.get(action="summary.released")
    assert entry.actor.email == "manager@northvale.example"
    assert entry.detail == {"version": version.pk, "replaced": False, "new_readers": 2, "emailed": 2}

    # Releasing again emails nobody who already has access, and only the newly accepted person.
    mailoutbox.clear()
    Invitation.objects.filter(pk=people["waiting"].pk).update(status=Invitation.Status.ACCEPTED)
    newer = SummaryVersion.objects.create(event=event, number=2, source="written", body_html=BODY)
    with django_capture_on_commit_callbacks(execute=True):
        bm_client.post(release_url(event), release_form(newer))
    assert [m.to for m in mailoutbox] == [["person0901@northvale.example"]]
    assert SummaryRelease.objects.get(event=event).version == newer
    assert SummaryReader.objects.filter(release=release).count() == 3


def test_release_is_refused_for_a_cancelled_event_or_a_date_after_access_closes(
    frozen, bm_client, event, version, people, mailoutbox
):
    page = bm_client.post(
        release_url(event), release_form(version, day=datetime(2026, 12, 23, tzinfo=LONDON))
    ).content.decode()
    assert "must be before access closes" in page
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    with pytest.raises(summary.EventError):
        summary.release_summary(event, version=version, available_from=AVAILABLE, released_by=None)
    assert not SummaryRelease.objects.exists() and mailoutbox == []


def test_release_form_explains_a_bad_date(frozen, bm_client, event, version, people):
    page = bm_client.post(release_url(event), release_form(version) | {"available_on_1": "13"}).content.decode()
    assert "The date it becomes available must be a real date" in page
    assert not SummaryRelease.objects.exists()


def test_staff_pages_refuse_the_reviewer_and_an_outsider(client, event, version, people, reviewer, outsider):
    summary.release_summary(event, version=version, available_from=AVAILABLE, released_by=None)
    reader = SummaryReader.objects.first()
    slug = event.review.partnership.slug
    urls = [
        ("get", release_url(event)),
        ("post", release_url(event)),
        ("get", readers_url(event)),
        ("post", reverse("events:summary_remind", args=[slug, event.pk])),
        ("post", reverse("events:summary_withdraw", args=[slug, event.pk, reader.pk])),
    ]
    for user, status in ((reviewer, 403), (outsider, 404)):
        client.force_login(user)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == status, (user, url)
    client.logout()
    assert client.get(readers_url(event)).status_code == 302
    assert not SummaryReader.objects.filter(withdrawn_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action__in=["summary.reminded", "summary.withdrawn"]).exists()


# Reading --------------------------------------------------------------------------------------


def test_terms_come_before_reading_and_acceptance_is_recorded(frozen, released, people):
    browser = reader_browser(frozen, released, "sam.green@police.example")
    assert browser.get(reverse("invitation:summary_read"))["Location"] == reverse("invitation:summary_terms")
    assert browser.get(reverse("invitation:summary_download"))["Location"] == reverse("invitation:summary_terms")
    page = browser.get(reverse("invitation:summary_terms")).content.decode()
    for words in ("not used in the final report", "Do not share it", "Do not copy it", "stamped with your name"):
        assert words in page
    page = browser.post(reverse("invitation:summary_terms"), {}).content.decode()
    assert "Confirm that you accept the terms" in page
    assert not AuditEntry.objects.filter(action="summary.terms_accepted").exists()

    response = browser.post(reverse("invitation:summary_terms"), {"agree": "on"})
    assert response["Location"] == reverse("invitation:summary_read")
    reader = SummaryReader.objects.get(invitation=people["sam"])
    assert reader.terms_accepted_at == READING and reader.read_count == 0
    entry = AuditEntry.objects.get(action="summary.terms_accepted")
    assert entry.actor_label == "invitee" and entry.object_id == str(reader.pk)
    assert entry.detail == {
        "release": reader.release_id,
        "version": reader.release.version_id,
        "invitation": people["sam"].pk,
    }


def test_reading_shows_the_banner_and_is_logged(frozen, released, people):
    browser = reader_browser(frozen, released, "sam.green@police.example")
    response = accept_and_read(browser)
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Confidential — do not share — Sam Green" in page
    assert "not used in the final report" in page and "What is known" in page
    assert reverse("invitation:summary_download") in page and "Download your copy (PDF)" in page
    browser.get(reverse("invitation:summary_read"))
    reader = SummaryReader.objects.get(invitation=people["sam"])
    assert reader.read_count == 2 and reader.first_read_at == READING and reader.last_read_at == READING
    views = AuditEntry.objects.filter(action="summary.viewed")
    assert views.count() == 2 and {e.object_id for e in views} == {str(reader.pk)}
    assert all(BODY not in str(e.detail) for e in AuditEntry.objects.all())


def test_downloading_is_logged_and_the_copy_is_stamped(frozen, released, people):
    pytest.importorskip("events.summary_documents", reason="render_reader_pdf is built in events/summary_documents.py")
    from pypdf import PdfReader

    browser = reader_browser(frozen, released, "sam.green@police.example")
    accept_and_read(browser)
    response = browser.get(reverse("invitation:summary_download"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"] and response["Content-Disposition"].startswith("attachment")
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert pages and all("Sam Green" in page.extract_text() for page in pages)
    reader = SummaryReader.objects.get(invitation=people["sam"])
    assert reader.download_count == 1
    assert AuditEntry.objects.get(action="summary.downloaded").object_id == str(reader.pk)


# Refusals: everyone outside the release sees the same page, and nothing is logged as read ----------


def assert_refused(browser, status=404):
    logged = AuditEntry.objects.filter(action__in=["summary.terms_accepted", "summary.viewed", "summary.downloaded"])
    before = logged.count()
    for name in ("invitation:summary_terms", "invitation:summary_read", "invitation:summary_download"):
        response = browser.get(reverse(name))
        assert response.status_code == status, name
        page = response.content.decode()
        assert "The summary is not available" in page and "What is known" not in page
    assert browser.post(reverse("invitation:summary_terms"), {"agree": "on"}).status_code == status
    assert logged.count() == before


def test_an_invitee_who_declined_is_refused(frozen, released, people):
    frozen.move_to(READING)
    assert_refused(open_link(people["declined"].token))
    assert_refused(open_link(people["waiting"].token))


def test_someone_who_declines_after_the_release_loses_access(frozen, released, people):
    browser = reader_browser(frozen, released, "lee.patel@health.example")
    Invitation.objects.filter(pk=people["lee"].pk).update(status=Invitation.Status.DECLINED)
    assert_refused(browser)


def test_an_invitee_of_another_event_sees_nothing_of_this_one(frozen, released, review, people, partnership, health):
    other_event = make_event(review, title="Second practitioner event for Child A")
    outsider = make_practitioners(partnership, health, 1, start=950)[0]
    other = with_link(invite(other_event, outsider, Invitation.Status.ACCEPTED))
    frozen.move_to(READING)
    assert_refused(open_link(other.token))


def test_a_revoked_link_closes_the_summary(frozen, released, people, business_manager):
    browser = reader_browser(frozen, released, "sam.green@police.example")
    assert accept_and_read(browser).status_code == 200
    invitations.revoke_link(people["sam"], revoked_by=business_manager)
    assert_refused(browser, status=403)


def test_nobody_without_a_link_sees_it(frozen, released):
    frozen.move_to(READING)
    assert_refused(Client(), status=403)


def test_before_the_release_date_it_is_not_available(frozen, released):
    assert_refused(
        reader_browser(frozen, released, "sam.green@police.example", when=datetime(2026, 11, 16, 8, 59, tzinfo=LONDON))
    )


def test_after_access_closes_it_is_not_available(frozen, released, people):
    browser = reader_browser(frozen, released, "sam.green@police.example", when=CLOSES)
    assert_refused(browser)
    assert summary.reader_for(people["sam"], now=datetime(2026, 12, 22, 12, 59, tzinfo=LONDON)) is not None


def test_withdrawn_access_closes_at_once(frozen, released, bm_client, business_manager, event, people):
    browser = reader_browser(frozen, released, "sam.green@police.example")
    bm_client.force_login(business_manager)
    assert accept_and_read(browser).status_code == 200
    reader = SummaryReader.objects.get(invitation=people["sam"])
    url = reverse("events:summary_withdraw", args=[event.review.partnership.slug, event.pk, reader.pk])
    page = bm_client.post(url, follow=True).content.decode()
    assert "Sam Green can no longer read the summary." in page
    reader.refresh_from_db()
    assert reader.withdrawn_at == READING
    entry = AuditEntry.objects.get(action="summary.withdrawn")
    assert entry.actor.email == "manager@northvale.example" and entry.object_id == str(reader.pk)
    assert_refused(browser)
    # Someone else's access is untouched.
    assert summary.reader_for(people["lee"]) is not None


def test_withdraw_only_reaches_readers_of_this_event(frozen, bm_client, review, event, people):
    other_event = make_event(review, title="Second practitioner event for Child A")
    other_version = SummaryVersion.objects.create(event=other_event, number=1, source="written", body_html=BODY)
    invite(other_event, people["sam"].practitioner, Invitation.Status.ACCEPTED)
    release, _ = summary.release_summary(other_event, version=other_version, available_from=AVAILABLE, released_by=None)
    reader = release.readers.get()
    url = reverse("events:summary_withdraw", args=[event.review.partnership.slug, event.pk, reader.pk])
    assert bm_client.post(url).status_code == 404
    reader.refresh_from_db()
    assert reader.withdrawn_at is None


# The business manager's view of who has read it -------------------------------------------------


def test_readers_page_shows_who_has_read_it(frozen, released, bm_client, business_manager, event):
    accept_and_read(reader_browser(frozen, released, "sam.green@police.example"))
    bm_client.force_login(business_manager)
    page = bm_client.get(readers_url(event)).content.decode()
    assert "<strong>1</strong> of 2 have read it." in page
    row = re.search(r"Sam Green.*?</tr>", page, re.S).group(0)
    assert "20 November 2026, 10am" in row and "Withdraw access" in row
    assert "Not read" in re.search(r"Lee Patel.*?</tr>", page, re.S).group(0)
    assert "Person 0900" not in page and "Remind those who have not read it" in page


def test_remind_emails_only_those_who_have_not_read_it(
    frozen, released, bm_client, business_manager, event, people, mailoutbox, django_capture_on_commit_callbacks
):
    accept_and_read(reader_browser(frozen, released, "sam.green@police.example"))
    bm_client.force_login(business_manager)
    url = reverse("events:summary_remind", args=[event.review.partnership.slug, event.pk])
    with django_capture_on_commit_callbacks(execute=True):
        page = bm_client.post(url, follow=True).content.decode()
    assert "Reminders are on their way to 1 person." in page
    assert [m.to for m in mailoutbox] == [["lee.patel@health.example"]]
    message = OutboundMessage.objects.get(kind="summary_reminder")
    assert message.idempotency_key == f"summary-reminder:{event.summary_release.pk}:{people['lee'].pk}:2026-11-20"
    assert AuditEntry.objects.get(action="summary.reminded").detail == {"count": 1}
    assert Client().post(reverse("invitation:start", args=[link_in(mailoutbox[0])])).status_code == 302

    # Pressing again the same day sends nothing more, and does not break the link just sent.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = bm_client.post(url, follow=True).content.decode()
    assert "Nobody was reminded" in page and mailoutbox == []
    assert OutboundMessage.objects.filter(kind="summary_reminder").count() == 1


def test_a_pdf_version_is_offered_only_as_a_download(frozen, released, event, people):
    pdf = SummaryVersion.objects.create(event=event, number=2, source="pdf", original_filename="summary.pdf")
    SummaryRelease.objects.filter(event=event).update(version=pdf)
    page = accept_and_read(reader_browser(frozen, released, "sam.green@police.example")).content.decode()
    assert "Confidential — do not share — Sam Green" in page and "not used in the final report" in page
    assert "Download your copy (PDF)" in page and "What is known" not in page
    assert AuditEntry.objects.get(action="summary.viewed").detail["version"] == pdf.pk


def test_nobody_is_reminded_before_it_can_be_read_or_after_it_closes(
    frozen, released, bm_client, business_manager, event, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("events:summary_remind", args=[event.review.partnership.slug, event.pk])
    for when, words in (
        (AVAILABLE.replace(hour=8), "cannot be read yet"),
        (CLOSES, "Access to the summary has closed"),
    ):
        frozen.move_to(when)
        bm_client.force_login(business_manager)
        assert "Remind those who have not read it" not in bm_client.get(readers_url(event)).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            page = bm_client.post(url, follow=True).content.decode()
        assert words in page
    assert mailoutbox == [] and not AuditEntry.objects.filter(action="summary.reminded").exists()
