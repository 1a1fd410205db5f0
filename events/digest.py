"""The business manager's daily digest of replies: new access needs, declines, and invitees the reply-by date passed
without a reply, for events still to come. Each is reported once (a ReplyDigestItem); a day with nothing new sends
nothing; a partnership gets at most one digest a day.

The email names the event by its title, review reference and pseudonym, and the people by name and agency: never what
an invitee wrote (their needs or their reason), which is read on the event page.
"""

from collections import defaultdict
from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.models import Membership, Partnership
from events.models import Event, Invitation, ReplyDigest, ReplyDigestItem
from notifications.services import queue_email, render_email

Kind = ReplyDigestItem.Kind


def _moment(invitation, kind):
    if kind == Kind.ACCESS_NEEDS:
        return invitation.access_needs_changed_at.isoformat()
    if kind == Kind.DECLINED:
        return invitation.declined_at.isoformat()
    return invitation.event.rsvp_deadline.isoformat()


def _kind(invitation):
    if invitation.status == Invitation.Status.ACCEPTED:
        return Kind.ACCESS_NEEDS
    if invitation.status == Invitation.Status.DECLINED:
        return Kind.DECLINED
    return Kind.NO_REPLY


def candidates(now, partnership=None):
    """Invitations with something the digest may report, for events that have not ended or been cancelled."""
    today = timezone.localdate(now)
    events = Event.objects.upcoming(now).exclude(status=Event.Status.HELD)
    if partnership is not None:
        events = events.filter(review__partnership=partnership)
    return (
        Invitation.objects.filter(event__in=events)
        .filter(
            Q(status=Invitation.Status.ACCEPTED, access_needs_changed_at__isnull=False) & ~Q(access_needs="")
            | Q(status=Invitation.Status.DECLINED, declined_at__isnull=False)
            | Q(status=Invitation.Status.INVITED, event__rsvp_deadline__lt=today)
        )
        .select_related("event__review__partnership", "practitioner__agency")
        .order_by("event__starts_at", "event_id", "practitioner__full_name", "pk")
    )


def _new_items(invitations):
    """(invitation, kind, moment) for each invitation not yet reported at this moment."""
    items = [(invitation, _kind(invitation)) for invitation in invitations]
    items = [(invitation, kind, _moment(invitation, kind)) for invitation, kind in items]
    reported = set(
        ReplyDigestItem.objects.filter(invitation__in=[invitation.pk for invitation, _, _ in items]).values_list(
            "invitation_id", "kind", "moment"
        )
    )
    return [item for item in items if (item[0].pk, item[1], item[2]) not in reported]


def _by_event(items):
    """The items grouped by event, each with its people by kind, in the order the email lists them."""
    events = {}
    for invitation, kind, _ in items:
        event = invitation.event
        entry = events.setdefault(
            event.pk,
            {
                "event": event,
                "review": event.review,
                "url": settings.SITE_URL
                + reverse("events:event_detail", args=[event.review.partnership.slug, event.pk]),
                **{kind.value: [] for kind in Kind},
            },
        )
        entry[kind].append(invitation)
    return list(events.values())


def _counts(items):
    counts = defaultdict(int)
    for _, kind, _ in items:
        counts[kind] += 1
    return counts


def summary_line(counts):
    """ "2 new access needs, 1 decline and 3 people without a reply" (only the kinds there are)."""
    parts = []
    if n := counts.get(Kind.ACCESS_NEEDS, 0):
        parts.append("1 new access need" if n == 1 else f"{n} new access needs")
    if n := counts.get(Kind.DECLINED, 0):
        parts.append("1 decline" if n == 1 else f"{n} declines")
    if n := counts.get(Kind.NO_REPLY, 0):
        parts.append("1 person without a reply" if n == 1 else f"{n} people without a reply")
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def digest_context(partnership, items, today):
    """What the digest email says about (invitation, kind, moment) items: the sending and its sample share it."""
    return {
        "partnership": partnership,
        "events": _by_event(items),
        "summary": summary_line(_counts(items)),
        "today": today,
    }


def send_digest(partnership, now):
    """Write one partnership's digest to the outbox for each of its business managers; returns the digest or None."""
    today = timezone.localdate(now)
    with transaction.atomic():
        # Two runs at once take turns here; the second finds today's digest and stops.
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        start_of_today = timezone.make_aware(datetime.combine(today, time.min))
        if ReplyDigest.objects.filter(partnership=partnership, created_at__gte=start_of_today).exists():
            return None
        items = _new_items(candidates(now, partnership))
        if not items:
            return None
        managers = list(
            Membership.objects.business_managers()
            .filter(partnership=partnership, user__is_active=True)
            .select_related("user")
            .order_by("user__email")
        )
        if not managers:
            # Nobody to tell yet: the items wait for the next day's digest.
            return None
        digest = ReplyDigest.objects.create(partnership=partnership, created_at=now)
        ReplyDigestItem.objects.bulk_create(
            ReplyDigestItem(digest=digest, invitation=invitation, kind=kind, moment=moment)
            for invitation, kind, moment in items
        )
        context = digest_context(partnership, items, today)
        for membership in managers:
            subject, text, html = render_email("events/emails/reply_digest", context | {"user": membership.user})
            queue_email(
                kind="reply_digest",
                recipient=membership.user.email,
                subject=subject,
                body_text=text,
                body_html=html,
                partnership=partnership,
                idempotency_key=f"reply_digest:{digest.pk}:{membership.user_id}",
            )
    return digest


def run(now=None):
    """The daily pass: one digest for each partnership with something new. Returns how many were written."""
    now = now or timezone.now()
    partnership_ids = set(candidates(now).values_list("event__review__partnership_id", flat=True))
    sent = 0
    for partnership in Partnership.objects.filter(pk__in=partnership_ids).order_by("pk"):
        if send_digest(partnership, now) is not None:
            sent += 1
    return sent
