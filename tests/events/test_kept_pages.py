"""The busy pages kept in the cache (core/stamps.py) are never out of date.

Every model is either watched, so that each change to its rows moves the stamps of the pages that show
them, or named here as shown on no kept page; every change to an invitation, by save, update, bulk
write or delete, moves its event's stamp; every change of an email's state moves its partnership's
outbox stamp. And from the business manager's side: the event page and the dashboard, once kept,
show each change made afterwards by a practitioner, a colleague or the worker sending emails.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from core import stamps
from core.models import AuditEntry
from events import invitations
from events.models import CalendarFeed, Invitation, ReplyDigest, ReplyDigestItem
from notifications import services as outbox
from notifications.models import OutboundMessage
from partnerships.models import SingleSignOnDomain, SingleSignOnProvider
from tests.events.conftest import invite, make_event

# Shown on no kept page, so no change to them needs to move a stamp.
NOT_ON_A_KEPT_PAGE = {
    AuditEntry,  # the audit log is read live
    OutboundMessage,  # moves its own stamp, "outbox:<partnership>", as its state changes (notifications.services)
    ReplyDigest,
    ReplyDigestItem,
    CalendarFeed,
    SingleSignOnProvider,
    SingleSignOnDomain,
}


def project_models():
    base = str(settings.BASE_DIR)
    for config in apps.get_app_configs():
        if config.path.startswith(base) and "site-packages" not in config.path:
            for model in config.get_models():
                if not model._meta.abstract and not model._meta.proxy and not model._meta.auto_created:
                    yield model


def test_every_model_is_watched_or_shown_on_no_kept_page():
    unaccounted = [
        model._meta.label
        for model in project_models()
        if model not in stamps.WATCHED and model not in NOT_ON_A_KEPT_PAGE
    ]
    assert not unaccounted, f"Say which stamps a change to these moves (stamps.watch), or why none: {unaccounted}"
    # Writes that send no signals move the stamps too: each watched model's manager makes StampedQuerySets.
    plain = [
        model._meta.label
        for model in stamps.WATCHED
        if not issubclass(model._default_manager._queryset_class, stamps.StampedQuerySet)
    ]
    assert not plain, f"These models' managers must be built on StampedQuerySet: {plain}"


def token(name):
    return stamps.tokens([name])[0]


class Moves:
    """Asserts that the block gives each of `names` a new token."""

    def __init__(self, *names):
        self.names = names

    def __enter__(self):
        self.before = stamps.tokens(self.names)

    def __exit__(self, *exc):
        if exc[0] is None:
            after = stamps.tokens(self.names)
            still = [name for name, old, new in zip(self.names, self.before, after, strict=True) if old == new]
            assert not still, f"These stamps did not move: {still}"


@pytest.fixture
def invitation(review, partnership, agency, sam):
    event = make_event(review)
    return invite(event, sam)


def _changed_value(field, value):
    if isinstance(field, models.BooleanField):
        return not value
    if isinstance(field, models.DateTimeField):
        return (value or timezone.now()) + timedelta(minutes=1)
    if isinstance(field, models.DateField):
        return (value or timezone.localdate()) + timedelta(days=1)
    if isinstance(field, (models.IntegerField,)):
        return (value or 0) + 1
    if field.choices:
        return next(choice for choice, _ in field.flatchoices if choice != value)
    if isinstance(field, (models.CharField, models.TextField)):
        return (value or "") + "x"
    return None


@pytest.mark.django_db
def test_every_change_to_an_invitation_moves_its_events_stamp(invitation, partnership, lee):
    event_name = f"event:{invitation.event_id}"
    dashboard_name = f"partnership:{partnership.pk}"
    changed = 0
    for field in Invitation._meta.concrete_fields:
        # A link's hash goes with its expiry (a database constraint): rotating the link sets both.
        if field.primary_key or field.is_relation or field.name == "token_hash":
            continue
        value = _changed_value(field, getattr(invitation, field.attname))
        if value is None:
            continue
        try:
            with transaction.atomic(), Moves(event_name, dashboard_name):
                setattr(invitation, field.attname, value)
                invitation.save(update_fields=[field.attname])
        except IntegrityError:  # a value this field cannot take on its own (the database's rules): no change
            invitation.refresh_from_db()
            continue
        with Moves(event_name, dashboard_name):
            Invitation.objects.filter(pk=invitation.pk).update(**{field.attname: getattr(invitation, field.attname)})
        invitation.refresh_from_db()
        changed += 1
    assert changed > 10
    with Moves(event_name):
        Invitation.objects.bulk_update([invitation], ["access_needs"])
    with Moves(event_name):
        [other] = Invitation.objects.bulk_create(
            [Invitation(event_id=invitation.event_id, practitioner=lee, status="declined")],
        )
    with Moves(event_name):
        other.delete()
    with Moves(event_name):
        Invitation.objects.filter(pk=invitation.pk).delete()


@pytest.mark.django_db
def test_a_change_to_the_directory_moves_the_stamp_of_every_event_page(invitation, partnership, sam, agency):
    with Moves(f"directory:{partnership.pk}"):
        sam.full_name = "Samantha Rivers"
        sam.save()
    with Moves(f"directory:{partnership.pk}"):
        type(agency).objects.filter(pk=agency.pk).update(name="Renamed Agency")
    with Moves(f"directory:{partnership.pk}"):
        partnership.access_needs_close_working_days = 3
        partnership.save()


def queue(invitation, key):
    return outbox.queue_email(
        kind="invitation",
        recipient="sam@agency.example",
        subject="Subject",
        body_text="Body",
        idempotency_key=key,
        partnership=invitation.event.review.partnership,
        about=invitation,
    )


@pytest.mark.django_db
def test_every_change_of_an_emails_state_moves_the_outbox_stamp(invitation, partnership, mailoutbox):
    name = f"outbox:{partnership.pk}"
    with Moves(name):
        message = queue(invitation, "first")
    with Moves(name):
        ids, _ = outbox.claim_batch()
        assert ids == [message.pk]
    OutboundMessage.objects.filter(pk=message.pk).update(state="queued", lease_expires_at=None)
    with Moves(name):  # claimed and sent
        outbox.deliver_batch()
    assert OutboundMessage.objects.get(pk=message.pk).state == "sent"

    second = queue(invitation, "second")
    OutboundMessage.objects.filter(pk=second.pk).update(state="failed", last_error="550 no such mailbox")
    second.refresh_from_db()
    with Moves(name):
        outbox.retry_failed(second)
    with Moves(name):
        outbox.withdraw(OutboundMessage.objects.filter(pk=second.pk), reason="The event was cancelled.")

    third = queue(invitation, "third")
    with Moves(name):
        outbox.forget(OutboundMessage.objects.filter(pk=third.pk), recipient="forgotten@example.invalid", reason="x")

    # A worker that stopped: its rows go back to the queue, and after the last attempt they fail.
    stuck = queue(invitation, "stuck")
    past = timezone.now() - timedelta(minutes=5)
    OutboundMessage.objects.filter(pk=stuck.pk).update(state="sending", lease_expires_at=past, claimed_at=past)
    with Moves(name):
        outbox.release_expired_claims()
    OutboundMessage.objects.filter(pk=stuck.pk).update(
        state="sending", lease_expires_at=past, claimed_at=past, attempts=outbox.MAX_ATTEMPTS
    )
    with Moves(name):
        outbox.fail_exhausted()


def main_of(response):
    """The page's main part, without its CSRF tokens (masked afresh for each response)."""
    main = response.content.decode().split('id="main-content"')[1].split("</main>")[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


@pytest.mark.django_db
def test_the_kept_event_page_shows_each_change_made_after_it_was_kept(
    bm_client, client, review, partnership, agency, sam, lee, mailoutbox, settings
):
    now = timezone.now()
    event = make_event(
        review,
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=10, hours=3),
        rsvp_deadline=timezone.localdate(now) + timedelta(days=5),
    )
    sams = invite(event, sam, status=Invitation.Status.INVITED)
    invite(event, lee)
    url = reverse("events:event_detail", args=[partnership.slug, event.pk])
    first = main_of(bm_client.get(url))
    assert "Sam" in first and main_of(bm_client.get(url)) == first  # kept, and found again

    # Sam replies: the next look at the page shows it.
    invitations.record_rsvp(sams, attending=False, decline_reason="On leave that week")
    page = main_of(bm_client.get(url))
    assert "On leave that week" in page and page != first

    # A colleague corrects Lee's name in the directory.
    lee.full_name = "Lee Marlowe-Hart"
    lee.save()
    assert "Lee Marlowe-Hart" in main_of(bm_client.get(url))

    # The worker sends Sam's confirmation, which failed: the table says so.
    message = OutboundMessage.objects.filter(about_id=sams.pk).latest("pk")
    claimed_at = timezone.now()
    OutboundMessage.objects.filter(pk=message.pk).update(
        state="sending",
        claimed_at=claimed_at,
        claimed_by="a worker",
        lease_expires_at=claimed_at + timedelta(minutes=1),
    )
    outcome, _ = outbox._failed_attempt(
        outbox._held(message.pk, claimed_at, "a worker"), message, OSError("550 mailbox unavailable"), permanent=True
    )
    outbox._record(outcome)
    assert "550 mailbox unavailable" in main_of(bm_client.get(url))


@pytest.mark.django_db
def test_the_kept_dashboard_moves_on_with_the_time(bm_client, review, partnership):
    """An event leaves the list of events to come when it ends, with nothing in the database changed."""
    now = timezone.now()
    event = make_event(review, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(minutes=10))
    url = reverse("overview:partnership_overview", args=[partnership.slug])
    link = reverse("events:event_detail", args=[partnership.slug, event.pk])
    assert link in main_of(bm_client.get(url))
    assert link in main_of(bm_client.get(url))  # kept
    with time_machine.travel(event.ends_at + timedelta(minutes=1)):
        assert link not in main_of(bm_client.get(url))


@pytest.mark.django_db(transaction=True)
def test_a_stamp_moves_again_when_its_change_commits(partnership):
    """A page made by another request from the old rows while the change was being written is never found."""
    name = f"directory:{partnership.pk}"
    with transaction.atomic():
        with pytest.raises(ValueError), transaction.atomic():  # a savepoint rolled back takes its hook with it
            partnership.contact_name = "Robin Vale"
            partnership.save()
            raise ValueError
        partnership.contact_name = "Robin Vale"
        partnership.save()
        during = token(name)
    assert token(name) != during


@pytest.mark.django_db
def test_only_the_tags_own_token_is_replaced_not_text_someone_typed(rf):
    """A practitioner who types the marker into a reason sees it shown as typed, never a live token."""
    html = f'<input type="hidden" name="csrfmiddlewaretoken" value="{stamps.CSRF_MARKER}"><p>{stamps.CSRF_MARKER}</p>'
    filled = stamps.with_csrf(html, rf.get("/"))
    assert filled.count(stamps.CSRF_MARKER) == 1 and f"<p>{stamps.CSRF_MARKER}</p>" in filled
