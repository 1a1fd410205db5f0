"""Every email's state: the business manager's list of the partnership's emails, filtered, with "Try again"."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from events.models import Event, Invitation
from notifications.models import OutboundMessage
from practitioners.models import Agency, NominationRequest, Practitioner
from reviews.models import Review
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db


def message(partnership, key, *, kind="invitation", state=OutboundMessage.State.SENT, about=None, **fields):
    values = {
        "partnership": partnership,
        "kind": kind,
        "idempotency_key": key,
        "recipient": f"{key}@agency.example",
        "subject": f"Subject {key}",
        "body_text": "Body",
        "state": state,
        "about_type": about._meta.label_lower if about is not None else "",
        "about_id": about.pk if about is not None else None,
    }
    if state == OutboundMessage.State.SENT:
        values["sent_at"] = timezone.now()
    return OutboundMessage.objects.create(**(values | fields))


@pytest.fixture
def emails(partnership, other_partnership, review):
    agency = Agency.objects.create(partnership=partnership, name="Northvale Police", lead_email="lead@police.example")
    person = Practitioner.objects.create(
        partnership=partnership, full_name="Sam Green", job_title="PC", agency=agency, email="sam@police.example"
    )
    event = make_event(review)
    invitation = Invitation.objects.create(event=event, practitioner=person, status=Invitation.Status.INVITED)
    second = Review.objects.create(
        partnership=partnership,
        review_type=Review.Type.CSPR,
        reference="CSPR 2026-02",
        pseudonym="Child C",
        scope_start="2024-01-01",
        scope_end="2025-01-01",
    )
    asked = NominationRequest.objects.create(
        review=second, agency=agency, token_hash="x" * 64, token_expires_at=event.ends_at, deadline=event.rsvp_deadline
    )
    rows = {
        "invited": message(partnership, "invited", about=invitation),
        "failed": message(
            partnership,
            "failed",
            kind="rsvp_reminder",
            state=OutboundMessage.State.FAILED,
            about=invitation,
            attempts=6,
            last_error="SMTPRecipientsRefused: 550 no such user",
        ),
        "nomination": message(partnership, "nomination", kind="nomination_request", about=asked),
        "staff": message(partnership, "staff", kind="staff_added", state=OutboundMessage.State.QUEUED),
        "elsewhere": message(
            other_partnership,
            "elsewhere",
            kind="invitation",
            state=OutboundMessage.State.FAILED,
            recipient="x@east.example",
        ),
    }
    return rows


def url(partnership, **query):
    base = reverse("emails:list", args=[partnership.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_list_shows_every_kind_with_its_review_state_attempts_and_error(bm_client, partnership, emails):
    page = bm_client.get(url(partnership)).content.decode()
    for key in ("invited", "failed", "nomination", "staff"):
        assert emails[key].recipient in page
    assert "Invitation to a practitioner event" in page and "Request to name key staff" in page
    assert "Reminder to reply" in page and "Added as a member of staff" in page
    assert "Review CSPR 2026-01 (Child B)" in page and "Review CSPR 2026-02 (Child C)" in page
    assert "6 attempts" in page and "550 no such user" in page
    assert "4 emails" in page
    # Another partnership's emails never show.
    assert "x@east.example" not in page


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"state": "failed"}, {"failed"}),
        ({"kind": "nomination_request"}, {"nomination"}),
        ({"kind": "invitation"}, {"invited"}),
        ({"state": "queued"}, {"staff"}),
    ],
)
def test_the_filters_narrow_the_list(bm_client, partnership, emails, query, shown):
    page = bm_client.get(url(partnership, **query)).content.decode()
    for key in ("invited", "failed", "nomination", "staff", "elsewhere"):
        assert (emails[key].recipient in page) == (key in shown), key


def test_the_review_filter_shows_that_reviews_emails(bm_client, partnership, emails, review):
    page = bm_client.get(url(partnership, review=review.pk)).content.decode()
    assert emails["invited"].recipient in page and emails["failed"].recipient in page
    assert emails["nomination"].recipient not in page and emails["staff"].recipient not in page


def test_a_filter_value_not_on_offer_is_ignored_not_an_error(bm_client, partnership, emails, other_partnership):
    response = bm_client.get(url(partnership, state="exploded", review="abc", kind="<script>"))
    assert response.status_code == 200
    assert emails["elsewhere"].recipient not in response.content.decode()


def test_the_list_is_paginated(bm_client, partnership):
    for n in range(55):
        message(partnership, f"bulk{n:02d}")
    first = bm_client.get(url(partnership)).content.decode()
    assert "55 emails, showing 1 to 50" in first
    second = bm_client.get(url(partnership, page=2)).content.decode()
    assert "showing 51 to 55" in second and "bulk00@agency.example" in second


def test_try_again_puts_a_failed_email_back_in_the_queue_audited(
    bm_client, partnership, business_manager, emails, django_capture_on_commit_callbacks
):
    failed = emails["failed"]
    with django_capture_on_commit_callbacks() as callbacks:
        response = bm_client.post(
            reverse("emails:retry", args=[partnership.slug, failed.pk]), {"back": "?state=failed"}
        )
    assert response.status_code == 302 and response["Location"].endswith("/emails/?state=failed")
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.last_error) == (OutboundMessage.State.QUEUED, 0, "")
    # Handed to a worker once the change is committed (the other hooks renew the pages' change stamps).
    assert sum("retry_failed" in callback.__qualname__ for callback in callbacks) == 1
    entry = AuditEntry.objects.get(action="email.retried")
    assert (entry.actor, entry.partnership, entry.object_id) == (business_manager, partnership, str(failed.pk))
    assert "550" in entry.detail["previous_error"]


def test_try_again_is_refused_for_an_email_that_has_not_failed(bm_client, partnership, emails):
    sent = emails["invited"]
    response = bm_client.post(reverse("emails:retry", args=[partnership.slug, sent.pk]), follow=True)
    assert "has not failed, so there is nothing to try again" in response.content.decode()
    sent.refresh_from_db()
    assert sent.state == OutboundMessage.State.SENT
    assert not AuditEntry.objects.filter(action="email.retried").exists()


def test_another_partnerships_email_cannot_be_tried_again(bm_client, partnership, emails):
    elsewhere = emails["elsewhere"]
    response = bm_client.post(reverse("emails:retry", args=[partnership.slug, elsewhere.pk]))
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.state == OutboundMessage.State.FAILED


def test_only_the_partnerships_business_manager_sees_the_list(client, partnership, reviewer, outsider, emails):
    for user, status in ((reviewer, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(url(partnership)).status_code == status
        assert client.post(reverse("emails:retry", args=[partnership.slug, emails["failed"].pk])).status_code == status
    emails["failed"].refresh_from_db()
    assert emails["failed"].state == OutboundMessage.State.FAILED
    # The other partnership's business manager sees only their own.
    client.force_login(outsider)
    page = client.get(url(outsider.memberships.get().partnership)).content.decode()
    assert "x@east.example" in page and emails["invited"].recipient not in page


def test_an_empty_list_says_so(bm_client, partnership):
    assert "No emails yet" in bm_client.get(url(partnership)).content.decode()


def test_the_event_pages_retry_is_the_same_audited_service(bm_client, partnership, emails):
    failed = emails["failed"]
    event = Event.objects.get()
    bm_client.post(reverse("events:email_retry", args=[partnership.slug, event.pk, failed.pk]))
    assert AuditEntry.objects.filter(action="email.retried", object_id=str(failed.pk)).count() == 1
