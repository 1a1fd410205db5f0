"""Services for invitations: sending them, personal links, replies and the updates invitees get."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import audit, links
from events import agency, calendar
from events.access_needs import access_needs_closed, access_needs_closed_message
from events.models import Event, Invitation
from events.services import EventError
from events.witnesses import WITHOUT_AGREEMENT, why_held_back
from notifications.models import OutboundMessage
from notifications.services import queue_email, render_email

SENDABLE = (Event.Status.DRAFT, Event.Status.INVITATIONS_SENT)
CHANGE_WORDS = {
    "starts_at": "the date or start time",
    "ends_at": "the finish time",
    "format": "whether it is in person or online",
    "venue_name": "the venue",
    "venue_address": "the venue's address",
    "joining_link": "the online joining link",
    "joining_details": "the online joining details",
}


def link_expiry(event):
    """Links keep working for the partnership's follow-up period after the event."""
    return event.ends_at + timedelta(days=event.review.partnership.link_follow_up_days)


def reply_closes_at(event):
    """Replies can be changed until the end of the reply-by day (UK time)."""
    return timezone.make_aware(datetime.combine(event.rsvp_deadline, time(23, 59, 59)))


def can_reply(invitation, now=None):
    event = invitation.event
    now = now or timezone.now()
    return (
        event.status in SENDABLE
        and invitation.status != Invitation.Status.NOT_SENT
        and now <= reply_closes_at(event)
        and now < event.starts_at
    )


def link_url(token):
    return settings.SITE_URL + reverse("invitation:start", args=[token])


def rotate_link(invitation, *, actor=None, actor_label="", request=None, **detail):
    """Give an invitee a new personal link (the old one stops working), audited; returns the new token.

    Only a link's hash is kept, so any email that carries a link needs a fresh one.
    """
    return links.issue(
        invitation,
        expires_at=link_expiry(invitation.event),
        request=request,
        actor=actor,
        actor_label=actor_label,
        action="invitation.link_rotated",
        **detail,
    )


def compose(invitation, name, *, method="REQUEST", token=None, attach_factsheet=False, **extra):
    """One email about an invitation as the outbox keeps it: subject, bodies and what to attach.

    Sending and the business manager's check before sending both use it, so the check shows what goes.
    """
    event = invitation.event
    review = event.review
    context = {
        "partnership": review.partnership,
        "review": review,
        "event": event,
        "invitation": invitation,
        "practitioner": invitation.practitioner,
        "link": link_url(token) if token else None,
        "new_link_url": settings.SITE_URL + reverse("invitation:new_link"),
        **extra,
    }
    subject, text, html = render_email(f"events/emails/{name}", context)
    attachments = [
        {
            "type": "calendar",
            "method": method,
            "content": calendar.build(event, invitation, method=method),
            # The event's own sequence, apart from the invitee's replies: a reminder checks it before it goes.
            "event_sequence": event.sequence,
        }
    ]
    if attach_factsheet:
        attachments.append({"type": "factsheet", "event": event.pk})
    return {"subject": subject, "body_text": text, "body_html": html, "attachments": attachments}


def email_invitee(invitation, name, *, key, method="REQUEST", token=None, attach_factsheet=False, **extra):
    """Write one email about an invitation to the outbox, with its calendar file."""
    review = invitation.event.review
    return queue_email(
        kind=name,
        recipient=invitation.practitioner.email,
        partnership=review.partnership,
        about=invitation,
        idempotency_key=key,
        **compose(invitation, name, method=method, token=token, attach_factsheet=attach_factsheet, **extra),
    )


def send_invitations(event, *, sent_by, request=None):
    """Invite everyone on the list who has not been invited yet. Safe to press twice, or by two people.

    Returns (sent, skipped): skipped are the invitees without an email address. Possible witnesses
    without the liaison's agreement are left uninvited (events.witnesses.held_back).
    """
    with transaction.atomic():
        # The lock makes a second press wait, then find nobody left to invite.
        locked = Event.objects.select_for_update(of=("self",)).select_related("review__partnership").get(pk=event.pk)
        if locked.status not in SENDABLE:
            raise EventError(f"Invitations cannot be sent for an event that is {locked.get_status_display().lower()}.")
        now = timezone.now()
        if locked.starts_at <= now:
            raise EventError("This event has already started, so invitations cannot be sent.")
        # A possible witness waits for the liaison's agreement (events.witnesses.held_back names them).
        waiting = list(
            locked.invitations.not_yet_invited().exclude(WITHOUT_AGREEMENT).select_related("practitioner__agency")
        )
        sent, skipped = [], []
        for invitation in waiting:
            invitation.event = locked
            if not invitation.practitioner.email:
                skipped.append(invitation)
                continue
            token = links.issue(invitation, expires_at=link_expiry(locked), request=request, actor=sent_by)
            invitation.status = Invitation.Status.INVITED
            invitation.sent_at = now
            invitation.calendar_sequence_sent = calendar.sequence_for(locked, invitation)
            invitation.save(update_fields=["status", "sent_at", "calendar_sequence_sent"])
            email_invitee(
                invitation,
                "invitation",
                key=f"invitation:{invitation.pk}:invite",
                token=token,
                attach_factsheet=True,
            )
            sent.append(invitation)
        if sent and locked.status == Event.Status.DRAFT:
            locked.status = Event.Status.INVITATIONS_SENT
            locked.save(update_fields=["status"])
        audit.record(
            "invitations.sent",
            request=request,
            actor=sent_by,
            partnership=locked.review.partnership,
            obj=locked,
            count=len(sent),
            without_email=len(skipped),
        )
    return sent, skipped


# Where each invitee's own link goes in the email the business manager checks before sending.
PREVIEW_LINK = "their-own-link"


@dataclass
class SendingCheck:
    """What "Send invitations" would do now: who gets the email, who does not, and the email itself."""

    event: Event
    to_invite: list
    without_email: list
    by_agency: list  # (agency name, how many get the email)
    example: Invitation | None  # the invitee whose email is shown

    def email(self):
        """The first invitee's email as it will go, their link shown as a placeholder."""
        return compose(self.example, "invitation", token=PREVIEW_LINK, attach_factsheet=True)


def sending_check(event):
    """Who "Send invitations" would invite now (possible witnesses still waiting are left out, as sending does)."""
    waiting = list(
        event.invitations.not_yet_invited()
        .exclude(WITHOUT_AGREEMENT)
        .select_related("practitioner__agency")
        .order_by("practitioner__agency__name", "practitioner__full_name", "pk")
    )
    for invitation in waiting:
        invitation.event = event
    to_invite = [invitation for invitation in waiting if invitation.practitioner.email]
    counts = Counter(invitation.practitioner.agency.name for invitation in to_invite)
    return SendingCheck(
        event=event,
        to_invite=to_invite,
        without_email=[invitation for invitation in waiting if not invitation.practitioner.email],
        by_agency=sorted(counts.items()),
        example=to_invite[0] if to_invite else None,
    )


def resend_link(invitation, *, sent_by=None, request=None):
    """Rotate an invitee's personal link and email the new one; the old link stops working."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("event__review__partnership", "practitioner")
            .get(pk=invitation.pk)
        )
        if invitation.status == Invitation.Status.NOT_SENT:
            raise EventError("Send the invitation first.")
        if invitation.event.is_cancelled:
            raise EventError("The event is cancelled.")
        if not invitation.practitioner.email:
            raise EventError(f"{invitation.practitioner} has no email address.")
        if Invitation.objects.filter(pk=invitation.pk).filter(WITHOUT_AGREEMENT).exists():
            raise EventError(why_held_back([invitation], "new links"))
        token = rotate_link(
            invitation,
            actor=sent_by,
            actor_label="" if sent_by else "practitioner's own request",
            request=request,
        )
        email_invitee(
            invitation,
            "invitation_link",
            key=f"invitation:{invitation.pk}:link:{invitation.token_hash[:16]}",
            token=token,
        )
    return invitation


def revoke_link(invitation, *, revoked_by, request=None):
    return links.revoke(invitation, request=request, actor=revoked_by, action="invitation.link_revoked")


def _rows():
    return Invitation.objects.select_related("event__review__partnership", "practitioner__agency")


# An invitee's link opens their page until it expires; replies close sooner by their own rule (can_reply).
INVITATION_LINK = links.LinkKind(
    queryset=_rows(),
    start_template="events/invitation/start.html",
    unavailable_template="events/invitation/link_invalid.html",
    landing="invitation:page",
    context=lambda invitation: {"invitation": invitation, "event": invitation.event},
    holder_label=lambda invitation: "invitee",
)


def record_rsvp(
    invitation,
    *,
    attending,
    decline_reason="",
    suggested_colleague_name="",
    suggested_colleague_email="",
    access_needs="",
    line_manager_attending=None,
    tell_agency=False,
    joining="",
    request=None,
):
    """Record (or change) a practitioner's reply, and email them a confirmation with the calendar file.

    At a hybrid event someone attending says whether they join in the room or online (`joining`): the
    places are the room's. Answers that do not go with the reply (a reason for not coming from someone
    who is coming) are not kept. With tell_agency, their line manager or agency safeguarding lead is
    told, once, that they are taking part.
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("review__partnership").get(pk=invitation.event_id)
        invitation = Invitation.objects.select_for_update().select_related("practitioner").get(pk=invitation.pk)
        invitation.event = event
        if not can_reply(invitation):
            raise EventError(
                "Replies to this invitation have closed. Contact the partnership if you need to change it."
            )
        joining = joining if attending and event.is_hybrid else ""
        if attending and event.is_hybrid and joining not in Invitation.Joining.values:
            raise EventError("Select whether you will join in the room or online", field="joining")
        if (
            _takes_a_new_place(event, invitation, attending, joining)
            and event.taking_places().count() >= event.capacity
        ):
            if event.is_hybrid:
                raise EventError(
                    "The room is full. Select online to join by video, or contact the partnership: "
                    "they may be able to find you a place in the room",
                    field="joining",
                )
            raise EventError(
                "The event is full. Contact the partnership: they may be able to find you a place.",
                field="attending",
            )
        previous = invitation.status
        reply = {
            "status": Invitation.Status.ACCEPTED if attending else Invitation.Status.DECLINED,
            "joining": joining,
            "decline_reason": "" if attending else decline_reason.strip(),
            "suggested_colleague_name": "" if attending else suggested_colleague_name.strip(),
            "suggested_colleague_email": "" if attending else suggested_colleague_email.strip().lower(),
            "access_needs": access_needs.strip() if attending else "",
            "line_manager_attending": line_manager_attending if attending else None,
            "tell_agency": bool(tell_agency) if attending else False,
        }
        changed = sorted(name for name, value in reply.items() if getattr(invitation, name) != value)
        invitation.reply_changes = changed
        if not changed:
            # The same reply again (a second press, or two at once): nothing to record and nothing to send.
            return invitation
        if attending and "access_needs" in changed and access_needs_closed(event):
            raise EventError(access_needs_closed_message(event), field="access_needs")
        for name, value in reply.items():
            setattr(invitation, name, value)
        invitation.responded_at = timezone.now()
        update_fields = [*changed, "responded_at"]
        if "access_needs" in changed:
            # Needs that change need arranging again; the digest reports the new ones.
            invitation.access_needs_changed_at = invitation.responded_at if invitation.access_needs else None
            invitation.access_needs_arranged_at = None
            invitation.access_needs_arranged_by = None
            invitation.access_needs_arranged_note = ""
            update_fields += [
                "access_needs_changed_at",
                "access_needs_arranged_at",
                "access_needs_arranged_by",
                "access_needs_arranged_note",
            ]
        if "status" in changed and not attending:
            invitation.declined_at = invitation.responded_at
            update_fields.append("declined_at")
        if "status" in changed:
            # A new answer changes the invitee's calendar entry (accepting adds the joining link): the
            # file they are sent replaces the one they hold only with a higher SEQUENCE.
            invitation.calendar_revision += 1
            invitation.calendar_sequence_sent = calendar.sequence_for(event, invitation)
            update_fields += ["calendar_revision", "calendar_sequence_sent"]
        invitation.save(update_fields=update_fields)
        if "status" in changed:
            # Only a new answer needs a confirmation and a calendar entry; changed details are saved and shown.
            email_invitee(
                invitation,
                "rsvp_confirmation",
                key=f"invitation:{invitation.pk}:reply:{replies_confirmed(invitation)}",
                method="REQUEST" if attending else "CANCEL",
                changed=previous in (Invitation.Status.ACCEPTED, Invitation.Status.DECLINED),
                agency_told=agency.contact_of(invitation) if invitation.tell_agency else None,
            )
        if "tell_agency" in changed:
            agency.tell_before(invitation)
        audit.record(
            "rsvp.recorded",
            request=request,
            actor_label="invitee",
            partnership=event.review.partnership,
            obj=invitation,
            previous=previous,
            status=invitation.status,
            changed=changed,
            **({"joining": invitation.joining} if event.is_hybrid else {}),
        )
    return invitation


def _takes_a_new_place(event, invitation, attending, joining):
    """Whether this reply takes a place the invitee did not hold: online at a hybrid event takes none."""

    def in_a_place(status, how):
        return status == Invitation.Status.ACCEPTED and not (event.is_hybrid and how == Invitation.Joining.ONLINE)

    now = in_a_place(Invitation.Status.ACCEPTED if attending else Invitation.Status.DECLINED, joining)
    return now and not in_a_place(invitation.status, invitation.joining)


def replies_confirmed(invitation):
    """How many reply confirmations the invitee has been sent: each new reply gets the next key."""
    return OutboundMessage.objects.about_one(invitation).filter(kind="rsvp_confirmation").count()


def _invitees_to_tell(event):
    return event.invitations.filter(status__in=[Invitation.Status.INVITED, Invitation.Status.ACCEPTED]).select_related(
        "practitioner"
    )


def notify_event_changed(event, changed):
    """Every invitee still in play gets the new details and an updated calendar entry."""
    for invitation in _invitees_to_tell(event):
        invitation.event = event
        email_invitee(
            invitation,
            "event_updated",
            key=f"invitation:{invitation.pk}:update:{event.sequence}",
            changed=[CHANGE_WORDS[name] for name in changed if name in CHANGE_WORDS],
        )
        Invitation.objects.filter(pk=invitation.pk).update(
            calendar_sequence_sent=calendar.sequence_for(event, invitation)
        )


def notify_event_cancelled(event):
    for invitation in _invitees_to_tell(event):
        invitation.event = event
        email_invitee(
            invitation, "event_cancelled", key=f"invitation:{invitation.pk}:cancel:{event.sequence}", method="CANCEL"
        )
    links.revoke_all(event.invitations.all())


def open_invitations_for_email(email, now=None):
    """Sent invitations to events still to come, for the person with this address."""
    now = now or timezone.now()
    return (
        Invitation.objects.filter(
            practitioner__email=email.strip().lower(), event__starts_at__gt=now, token_revoked_at__isnull=True
        )
        .exclude(status=Invitation.Status.NOT_SENT)
        .exclude(event__status=Event.Status.CANCELLED)
        .select_related("event__review__partnership", "practitioner")
    )
