"""The practitioner's own agency: on their reply, a practitioner may ask for their line manager or their agency's
safeguarding lead to be told that they are taking part.

That person gets two emails, each once (its outbox key): when the practitioner says yes, the date and the support
the partnership offers; after the event, a pointer to a debrief. Neither says anything of the review beyond its
pseudonym: no reference, no venue, no summary, no link.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from events.models import Attendance, Event, Invitation
from notifications.services import not_yet_queued, queue_email, render_email

# How long after an event the sweep still sends the email about it (a missed day is caught up, an old event is not).
AFTER_EVENT_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    role: str  # "line manager" or "safeguarding lead", as the emails and the reply page say it

    @property
    def described(self):
        """Who they are to the practitioner: "Kim Lowe, your agency's safeguarding lead" or "your line manager"."""
        role = "your line manager" if self.role == "line manager" else "your agency's safeguarding lead"
        return f"{self.name}, {role}" if self.name else role

    @property
    def told(self):
        """The practitioner's confirmation: "We have told Kim Lowe, your agency's safeguarding lead, that ..."."""
        return f"We have told {self.described}{',' if self.name else ''} that you are taking part."


def contact_of(invitation):
    """Whom the agency email goes to: the practitioner's line manager, else their agency's safeguarding lead."""
    practitioner = invitation.practitioner
    if practitioner.line_manager_email:
        return Contact(practitioner.line_manager_name or "", practitioner.line_manager_email, "line manager")
    agency = practitioner.agency
    if agency is not None and agency.lead_email:
        return Contact(agency.lead_name or "", agency.lead_email, "safeguarding lead")
    return None


def before_key(invitation):
    return f"agency-told:{invitation.pk}:before"


def after_key(invitation):
    return f"agency-told:{invitation.pk}:after"


def email_context(invitation, contact):
    """What the agency's emails (and their samples) are rendered with."""
    event = invitation.event
    return {
        "partnership": event.review.partnership,
        "pseudonym": event.review.pseudonym,
        "event": event,
        "practitioner": invitation.practitioner,
        "contact": contact,
    }


def _email(invitation, contact, name, key):
    partnership = invitation.event.review.partnership
    subject, text, html = render_email(f"events/emails/{name}", email_context(invitation, contact))
    return queue_email(
        kind=name,
        recipient=contact.email,
        subject=subject,
        body_text=text,
        body_html=html,
        partnership=partnership,
        about=invitation,
        idempotency_key=key,
    )


def tell_before(invitation):
    """In the reply's transaction: the practitioner said yes and is attending; tell their contact, once."""
    contact = contact_of(invitation)
    if contact is None or not invitation.tell_agency or invitation.status != Invitation.Status.ACCEPTED:
        return None
    return _email(invitation, contact, "agency_told", before_key(invitation))


def tell_after_events(now=None):
    """The daily sweep: after an event, tell the contact of each attendee who asked, once. Returns how many."""
    now = now or timezone.now()
    due = (
        Invitation.objects.filter(
            tell_agency=True,
            status=Invitation.Status.ACCEPTED,
            event__ends_at__lte=now,
            event__ends_at__gt=now - AFTER_EVENT_WINDOW,
        )
        .exclude(event__status=Event.Status.CANCELLED)
        .exclude(attendance=Attendance.DID_NOT_ATTEND)
        .select_related("event__review__partnership", "practitioner__agency")
        .order_by("pk")
    )
    invitations = {after_key(invitation): invitation for invitation in due}
    sent = 0
    for key in not_yet_queued(list(invitations)):
        invitation = invitations[key]
        contact = contact_of(invitation)
        if contact is not None:
            _email(invitation, contact, "agency_debrief", key)
            sent += 1
    return sent
