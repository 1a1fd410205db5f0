"""Invitees' access needs: the date requests for adjustments close, and the business manager marking each one arranged.

Requests close the partnership's number of working days before the event's day (England's working days).
"""

from django.db import transaction
from django.utils import timezone

from core import audit
from core.errors import DomainError
from core.formatting import long_date, uk_date
from core.workdays import subtract_working_days
from events.models import Invitation
from notifications.services import queue_email, render_email
from reviews.names import contains_real_name


def access_needs_close_on(event):
    """The last day (UK) on which an invitee can tell us what they need."""
    days = event.review.partnership.access_needs_close_working_days
    return subtract_working_days(timezone.localdate(event.starts_at), days)


def access_needs_closed(event, now=None):
    return timezone.localdate(now or timezone.now()) > access_needs_close_on(event)


def contact_line(partnership):
    """Whom to contact instead: "Sam Jones at sam@example.org or on 01234 567890"."""
    line = f"{partnership.contact_name} at {partnership.contact_email}"
    return f"{line} or on {partnership.contact_phone}" if partnership.contact_phone else line


def access_needs_hint(event, now=None):
    """What the reply form says under the access-needs question: until when, or that requests have closed."""
    if access_needs_closed(event, now):
        return (
            f"Requests for adjustments closed on {uk_date(access_needs_close_on(event))}. "
            f"If you need something now, contact {contact_line(event.review.partnership)}."
        )
    return (
        f"Tell us by {uk_date(access_needs_close_on(event))} so that we can arrange it: for example, step-free "
        "access, a hearing loop, breaks, or a quiet space."
    )


def access_needs_closed_message(event):
    return (
        f"Requests for adjustments closed on {long_date(access_needs_close_on(event))}, so we cannot change what you "
        f"told us you need here. Contact {contact_line(event.review.partnership)}."
    )


class ArrangeError(DomainError):
    """Marking an access need arranged is not allowed; the message says why."""


def mark_arranged(invitation, *, note, arranged_by, request=None):
    """Record that an attending invitee's access needs are arranged, and email them so (through the outbox)."""
    note = note.strip()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("event__review__partnership", "practitioner")
            .get(pk=invitation.pk)
        )
        event = invitation.event
        review = event.review
        if event.is_cancelled:
            raise ArrangeError("This event has been cancelled, so there is nothing to arrange.")
        if invitation.status != Invitation.Status.ACCEPTED or not invitation.access_needs:
            raise ArrangeError(
                f"{invitation.practitioner.full_name} is not attending with access needs, so there is nothing to "
                "mark as arranged."
            )
        if invitation.access_needs_arranged_at:
            raise ArrangeError(f"{invitation.practitioner.full_name}'s access needs are already marked as arranged.")
        if contains_real_name(note, review.subject_name):
            raise ArrangeError(
                "The note is emailed to the practitioner, so it must not contain the real name of the child or adult.",
                field="note",
            )
        now = timezone.now()
        invitation.access_needs_arranged_at = now
        invitation.access_needs_arranged_by = arranged_by
        invitation.access_needs_arranged_note = note
        invitation.save(
            update_fields=["access_needs_arranged_at", "access_needs_arranged_by", "access_needs_arranged_note"]
        )
        partnership = review.partnership
        context = {"partnership": partnership, "review": review, "event": event, "invitation": invitation, "note": note}
        subject, text, html = render_email("events/emails/access_needs_arranged", context)
        queue_email(
            kind="access_needs_arranged",
            recipient=invitation.practitioner.email,
            subject=subject,
            body_text=text,
            body_html=html,
            partnership=partnership,
            about=invitation,
            idempotency_key=f"invitation:{invitation.pk}:arranged:{now.isoformat()}",
        )
        audit.record(
            "access_needs.arranged",
            request=request,
            actor=arranged_by,
            partnership=partnership,
            obj=invitation,
            event=event.pk,
        )
    return invitation


def fit_reply_form(form, event, now=None):
    """The reply form's access-needs question says until when; once requests have closed, it keeps what was given."""
    field = form.fields["access_needs"]
    field.help_text = access_needs_hint(event, now)
    if access_needs_closed(event, now):
        # A disabled field takes its value from what was recorded, whatever is posted.
        field.disabled = True
