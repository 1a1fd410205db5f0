"""The confidential summary's release: who may read it, when, and the record of every read."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from core import audit, names, reading
from core.formatting import counted, uk_date
from core.models import AuditEntry
from events.invitations import link_url, rotate_link
from events.models import Event, Invitation, SummaryReader, SummaryRelease, SummaryVersion
from events.services import EventError
from events.witnesses import WITHOUT_AGREEMENT, held_back, is_held_back, why_held_back
from notifications.models import OutboundMessage
from notifications.services import queue_email, render_email


def closes_at_for(event):
    """Access closes the partnership's configured number of days after the event ends."""
    return event.ends_at + timedelta(days=event.review.partnership.summary_access_days)


def refuse_unchecked(version, event):
    """Nothing confidential goes out unchecked: the version must pass the names check, run again now
    against every name the review knows today."""
    from events.summary_documents import recheck

    version.event = event
    recheck(version)
    left = names.open_hits(version).count()
    if left:
        places = counted(left, "place")
        raise EventError(
            f"Version {version.number} may name someone the review knows about ({places} to deal with). "
            "Edit them out in a new version, or mark each one that is not a person, before releasing it.",
            field="version",
        )


def released_key(release, invitation):
    return f"summary-released:{release.pk}:{invitation.pk}"


def reminder_key(release, invitation, day):
    return f"summary-reminder:{release.pk}:{invitation.pk}:{day:%Y-%m-%d}"


def release_summary(event, *, version, available_from, released_by, request=None):
    """Release a version to the event's accepted invitees from a date; a later call can swap the version.

    Each invitee who has no access yet gets it, and one email with a fresh personal link.
    Returns (release, new readers).
    """
    with transaction.atomic():
        locked = Event.objects.select_for_update(of=("self",)).select_related("review__partnership").get(pk=event.pk)
        if locked.is_cancelled:
            raise EventError("This event was cancelled, so its summary cannot be released.")
        version = SummaryVersion.objects.filter(pk=version.pk, event=locked).first()
        if version is None:
            raise EventError("Choose a version of this event's summary.", field="version")
        refuse_unchecked(version, locked)
        witnesses = list(held_back(locked.invitations.accepted()))
        if witnesses:
            raise EventError(why_held_back(witnesses, "the summary"))
        closes_at = closes_at_for(locked)
        if available_from >= closes_at:
            raise EventError(
                f"The date it becomes available must be before access closes, {uk_date(closes_at)}.",
                field="available_on",
            )
        release, created = SummaryRelease.objects.update_or_create(
            event=locked,
            defaults={
                "version": version,
                "available_from": available_from,
                "closes_at": closes_at,
                "released_by": released_by,
                "released_at": timezone.now(),
            },
        )
        have_access = release.readers.values_list("invitation_id", flat=True)
        newcomers = list(
            locked.invitations.accepted()
            .exclude(pk__in=have_access)
            .select_for_update(of=("self",))
            .select_related("practitioner")
        )
        readers = SummaryReader.objects.bulk_create(
            [SummaryReader(release=release, invitation=invitation) for invitation in newcomers]
        )
        emailed = 0
        for invitation in newcomers:
            invitation.event = locked
            if _email_reader(
                invitation, release, "summary_released", key=released_key(release, invitation), actor=released_by
            ):
                emailed += 1
        audit.record(
            "summary.released",
            request=request,
            actor=released_by,
            partnership=locked.review.partnership,
            obj=release,
            version=version.pk,
            replaced=not created,
            new_readers=len(readers),
            emailed=emailed,
        )
    return release, readers


def reader_email_context(invitation, release, link):
    """What the summary's emails (and their samples) are rendered with."""
    event = invitation.event
    return {
        "partnership": event.review.partnership,
        "review": event.review,
        "event": event,
        "practitioner": invitation.practitioner,
        "release": release,
        "link": link,
        "new_link_url": settings.SITE_URL + reverse("invitation:new_link"),
    }


def _email_reader(invitation, release, name, *, key, actor):
    """One email with a fresh personal link (only its hash is kept, so the old link stops working)."""
    if not invitation.practitioner.email:
        return False
    if OutboundMessage.objects.filter(idempotency_key=key).exists():
        return False
    token = rotate_link(invitation, actor=actor, reason=name)
    review = invitation.event.review
    context = reader_email_context(invitation, release, link_url(token))
    subject, text, html = render_email(f"events/emails/{name}", context)
    queue_email(
        kind=name,
        recipient=invitation.practitioner.email,
        subject=subject,
        body_text=text,
        body_html=html,
        partnership=review.partnership,
        about=invitation,
        idempotency_key=key,
    )
    return True


def unread(release):
    """Readers who still have access and have not opened the summary (a possible witness's access is paused)."""
    return (
        release.readers.filter(
            first_read_at__isnull=True, withdrawn_at__isnull=True, invitation__status=Invitation.Status.ACCEPTED
        )
        .exclude(invitation__in=Invitation.objects.filter(WITHOUT_AGREEMENT))
        .select_related("invitation__practitioner")
    )


def remind_unread(release, *, reminded_by, request=None):
    """Email everyone who has not read the summary yet, at most once a day each. Returns how many."""
    with transaction.atomic():
        release = (
            SummaryRelease.objects.select_for_update(of=("self",))
            .select_related("event__review__partnership")
            .get(pk=release.pk)
        )
        now = timezone.now()
        if release.event.is_cancelled:
            raise EventError("This event was cancelled.")
        if now >= release.closes_at:
            raise EventError("Access to the summary has closed, so there is nobody to remind.")
        if now < release.available_from:
            raise EventError("The summary cannot be read yet, so there is nobody to remind.")
        today = timezone.localdate(now)
        sent = 0
        for reader in unread(release):
            invitation = reader.invitation
            invitation.event = release.event
            if _email_reader(
                invitation, release, "summary_reminder", key=reminder_key(release, invitation, today), actor=reminded_by
            ):
                sent += 1
        audit.record(
            "summary.reminded",
            request=request,
            actor=reminded_by,
            partnership=release.event.review.partnership,
            obj=release,
            count=sent,
        )
    return sent


def withdraw_access(reader, *, withdrawn_by, request=None):
    """Close one person's access at once. Returns False if it was already withdrawn."""
    with transaction.atomic():
        updated = SummaryReader.objects.filter(pk=reader.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        if updated:
            audit.record(
                "summary.withdrawn",
                request=request,
                actor=withdrawn_by,
                partnership=reader.release.event.review.partnership,
                obj=reader,
                release=reader.release_id,
                invitation=reader.invitation_id,
            )
    return bool(updated)


def _open_reader(invitation, now):
    """The invitee's reader row while the release is open to them, leaving possible witnesses aside."""
    if invitation.status != Invitation.Status.ACCEPTED or invitation.event.is_cancelled:
        return None
    return (
        SummaryReader.objects.select_related("release__version", "release__event")
        .filter(
            invitation=invitation,
            release__event_id=invitation.event_id,
            release__available_from__lte=now,
            release__closes_at__gt=now,
            withdrawn_at__isnull=True,
        )
        .first()
    )


def reader_for(invitation, now=None):
    """The invitee's access to their event's summary, only while it is open to them; otherwise None.

    A possible witness without the liaison's agreement has none until it is recorded (see `paused`).
    """
    reader = _open_reader(invitation, now or timezone.now())
    if reader is None or is_held_back(invitation):
        return None
    reader.invitation = invitation
    return reader


def paused(invitation, now=None):
    """Whether the invitee's open access is paused: a possible witness marked after the summary was released,
    until the liaison's agreement is recorded."""
    return is_held_back(invitation) and _open_reader(invitation, now or timezone.now()) is not None


def was_given(invitation):
    """Whether the invitee was given the summary and still has it (open or not yet, paused or not)."""
    return SummaryReader.objects.filter(invitation=invitation, withdrawn_at__isnull=True).exists()


def _log(action, reader, request, **detail):
    audit.record(
        action,
        request=request,
        actor_label="invitee",
        partnership=reader.invitation.event.review.partnership,
        obj=reader,
        release=reader.release_id,
        version=reader.release.version_id,
        invitation=reader.invitation_id,
        **detail,
    )


def accept_terms(reader, request=None):
    """Record (once) when the reader accepted the confidentiality terms."""
    return reading.accept(
        reader,
        action="summary.terms_accepted",
        request=request,
        actor_label="invitee",
        partnership=reader.invitation.event.review.partnership,
        release=reader.release_id,
        version=reader.release.version_id,
        invitation=reader.invitation_id,
    )


def reader_context(reader):
    """What every page of the reader's summary shows of it."""
    invitation = reader.invitation
    event = invitation.event
    return {
        "invitation": invitation,
        "reader": reader,
        "event": event,
        "review": event.review,
        "partnership": event.review.partnership,
        "release": reader.release,
    }


# The summary's confidentiality terms, before the reader sees any of it.
SUMMARY_TERMS = reading.Terms(
    document="the summary",
    template="events/summary/reader_terms.html",
    terms_page="invitation:summary_terms",
    read_page="invitation:summary_read",
    accept=accept_terms,
    context=reader_context,
)


def record_read(reader, request=None):
    with transaction.atomic():
        now = timezone.now()
        SummaryReader.objects.filter(pk=reader.pk, first_read_at__isnull=True).update(first_read_at=now)
        SummaryReader.objects.filter(pk=reader.pk).update(last_read_at=now, read_count=F("read_count") + 1)
        _log("summary.viewed", reader, request)
    reader.refresh_from_db(fields=["first_read_at", "last_read_at", "read_count"])
    return reader


def record_download(reader, request=None):
    with transaction.atomic():
        SummaryReader.objects.filter(pk=reader.pk).update(download_count=F("download_count") + 1)
        _log("summary.downloaded", reader, request)
    reader.refresh_from_db(fields=["download_count"])
    return reader


def readers_of(release):
    """The release's readers, each with `paused`: a possible witness without the liaison's agreement."""
    held = Invitation.objects.filter(WITHOUT_AGREEMENT, pk=OuterRef("invitation_id"))
    return (
        release.readers.select_related("invitation__practitioner__agency")
        .annotate(paused=Exists(held))
        .order_by("invitation__practitioner__full_name", "id")
    )


def accepted_without_access(release):
    """Invitees who accepted after the release: releasing again gives them access and an email."""
    return (
        release.event.invitations.accepted()
        .exclude(pk__in=release.readers.values_list("invitation_id", flat=True))
        .select_related("practitioner__agency")
    )


# What the read log calls each thing a reader did, in the order of the reader's own pages.
READ_LOG_ACTIONS = {
    "summary.terms_accepted": "Accepted the confidentiality terms",
    "summary.viewed": "Read it",
    "summary.downloaded": "Downloaded it",
    "summary.withdrawn": "Access withdrawn",
}


def read_log(release):
    """[(reader, version number or None, what, when)]: every time each reader accepted the terms, read,
    downloaded or lost access to the summary (from the audit log), and a row for each who has done none."""
    readers = list(readers_of(release))
    numbers = dict(release.event.summary_versions.values_list("pk", "number"))
    entries = AuditEntry.objects.filter(
        partnership_id=release.event.review.partnership_id,
        object_type=SummaryReader._meta.label,
        object_id__in=[str(reader.pk) for reader in readers],
        action__in=READ_LOG_ACTIONS,
    ).order_by("created_at", "pk")
    by_reader = {}
    for entry in entries:
        by_reader.setdefault(entry.object_id, []).append(entry)
    rows = []
    for reader in readers:
        done = by_reader.get(str(reader.pk), [])
        for entry in done:
            rows.append(
                (reader, numbers.get(entry.detail.get("version")), READ_LOG_ACTIONS[entry.action], entry.created_at)
            )
        if not done:
            rows.append((reader, None, "Not read yet", None))
    return rows


def record_readers_export(release, *, by, rows, request=None):
    """Audit a download of the summary's read log: who took it, of which event and version, how many rows."""
    audit.record(
        "summary.readers_exported",
        request=request,
        actor=by,
        partnership=release.event.review.partnership,
        obj=release,
        version=release.version_id,
        number=release.version.number,
        rows=rows,
    )
