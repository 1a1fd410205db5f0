"""The emails events sends, described for the list of every kind of email, with samples.

Each sample is the real email made by the same function that sends it, for a made-up event of a
made-up review, with a made-up practitioner; only the personal link is a placeholder.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from events import agency, invitations, reminders
from events.models import Event, Invitation, SummaryRelease
from notifications import kinds
from practitioners import samples as people
from reviews import samples

GROUP = "Practitioner events"


def _event(partnership):
    review = samples.review(partnership)
    day = timezone.localdate() + timedelta(days=21)
    while day.weekday() != 1:  # a Tuesday three or four weeks ahead
        day += timedelta(days=1)
    starts_at = timezone.make_aware(datetime.combine(day, time(10)))
    return Event(
        review=review,
        title=f"Practitioner learning event for {review.pseudonym}",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        format=Event.Format.IN_PERSON,
        venue_name="Example Civic Centre, Committee Room 2",
        venue_address="1 High Street\nExampletown\nEX1 2AB",
        access_information="Step-free entrance on High Street. Hearing loop in the room.",
        facilitator="Jo Bell",
        capacity=30,
        rsvp_deadline=day - timedelta(days=7),
        status=Event.Status.INVITATIONS_SENT,
    )


def _invitation(partnership, status=Invitation.Status.INVITED):
    event = _event(partnership)
    practitioner = people.practitioner(partnership, people.agency(partnership))
    return Invitation(event=event, practitioner=practitioner, status=status)


def _invitee_email(name, *, status=Invitation.Status.INVITED, **options):
    def sample(partnership):
        invitation = _invitation(partnership, status)
        email = invitations.compose(invitation, name, **options)
        return kinds.Sample(
            email["subject"],
            email["body_text"],
            email["body_html"],
            email["attachments"],
            invitation.practitioner.email,
        )

    return sample


def _summary_email(name):
    def sample(partnership):
        from events.summary import reader_email_context

        invitation = _invitation(partnership, Invitation.Status.ACCEPTED)
        event = invitation.event
        release = SummaryRelease(
            event=event, available_from=timezone.now(), closes_at=event.ends_at + timedelta(days=7)
        )
        context = reader_email_context(invitation, release, invitations.link_url(samples.SAMPLE_LINK_SECRET))
        return kinds.rendered(f"events/emails/{name}", context, recipient=invitation.practitioner.email)

    return sample


def _agency_email(name):
    def sample(partnership):
        invitation = _invitation(partnership, Invitation.Status.ACCEPTED)
        contact = agency.contact_of(invitation)
        return kinds.rendered(
            f"events/emails/{name}", agency.email_context(invitation, contact), recipient=contact.email
        )

    return sample


def _thank_you(partnership):
    from events.attendance import thank_you_context

    invitation = _invitation(partnership, Invitation.Status.ACCEPTED)
    link = settings.SITE_URL + reverse("invitation:start", args=[samples.SAMPLE_LINK_SECRET])
    return kinds.rendered(
        "events/emails/thank_you", thank_you_context(invitation, link), recipient=invitation.practitioner.email
    )


def _notes_deletion_warning(partnership):
    from events.note_deletion import warning_context

    review, reviewer = samples.review(partnership), samples.reviewer()
    context = warning_context(review, reviewer, timezone.localdate() + timedelta(days=14))
    return kinds.rendered("events/emails/notes_deletion_warning", context, recipient=reviewer.email)


def _access_needs_arranged(partnership):
    invitation = _invitation(partnership, Invitation.Status.ACCEPTED)
    invitation.access_needs = "A hearing loop, and a seat near the front."
    event = invitation.event
    context = {
        "partnership": partnership,
        "review": event.review,
        "event": event,
        "invitation": invitation,
        "note": "The room has a hearing loop; we have kept you a seat in the front row.",
    }
    return kinds.rendered("events/emails/access_needs_arranged", context, recipient=invitation.practitioner.email)


def _reply_digest(partnership):
    from events.digest import digest_context
    from events.models import ReplyDigestItem

    attending = _invitation(partnership, Invitation.Status.ACCEPTED)
    attending.access_needs = "A hearing loop, please."
    event = attending.event
    event.pk = 1  # never saved: the number only makes the sample's link to the event page
    declining = Invitation(
        event=event,
        practitioner=people.practitioner(partnership, people.agency(partnership)),
        status=Invitation.Status.DECLINED,
        suggested_colleague_name="Alex Example",
    )
    declining.practitioner.full_name = "Chris Example"
    items = [(attending, ReplyDigestItem.Kind.ACCESS_NEEDS, ""), (declining, ReplyDigestItem.Kind.DECLINED, "")]
    manager = samples.reviewer()
    context = digest_context(partnership, items, timezone.localdate()) | {"user": manager}
    return kinds.rendered("events/emails/reply_digest", context, recipient=manager.email)


LINK = samples.SAMPLE_LINK_SECRET
INVITEES = "Each invitee"

KINDS = [
    (
        "invitation",
        "Invitation to a practitioner event",
        INVITEES,
        "The business manager sends the invitations",
        _invitee_email("invitation", token=LINK, attach_factsheet=True),
    ),
    (
        "invitation_link",
        "A new personal link",
        "An invitee who asked for one, or whom the business manager sent one",
        "The invitee asks for a new link, or the business manager sends one",
        _invitee_email("invitation_link", token=LINK),
    ),
    (
        "rsvp_confirmation",
        "Reply confirmed",
        "An invitee who replied",
        "The invitee replies, or changes their reply",
        _invitee_email("rsvp_confirmation", status=Invitation.Status.ACCEPTED, changed=False, agency_told=None),
    ),
    (
        reminders.RSVP_REMINDER,
        "Reminder to reply",
        "Invitees who have not replied",
        "A few days before the reply-by date",
        _invitee_email(reminders.RSVP_REMINDER),
    ),
    (
        reminders.EVENT_REMINDER,
        "Reminder of the event",
        "Invitees who are attending",
        "The days before the event that the partnership chose",
        _invitee_email(reminders.EVENT_REMINDER, status=Invitation.Status.ACCEPTED),
    ),
    (
        "event_updated",
        "The event has changed",
        "Invitees who have not declined",
        "The business manager changes the event's time or place",
        _invitee_email("event_updated", changed=["the date or start time", "the venue"]),
    ),
    (
        "event_cancelled",
        "The event is cancelled",
        "Invitees who have not declined",
        "The business manager cancels the event",
        _invitee_email("event_cancelled", method="CANCEL"),
    ),
    (
        "summary_released",
        "The confidential summary is ready to read",
        "Invitees who are attending",
        "The business manager releases the reviewer's summary",
        _summary_email("summary_released"),
    ),
    (
        reminders.SUMMARY_REMINDER,
        "Reminder to read the confidential summary",
        "Those attending who have not read the summary",
        "The business manager sends a reminder",
        _summary_email(reminders.SUMMARY_REMINDER),
    ),
    (
        "agency_told",
        "A practitioner is taking part",
        "The practitioner's line manager or agency safeguarding lead, if they ask",
        "The practitioner asks, when they reply",
        _agency_email("agency_told"),
    ),
    (
        "agency_debrief",
        "A debrief after the event",
        "The line manager or safeguarding lead who was told",
        "The day after the event",
        _agency_email("agency_debrief"),
    ),
    (
        "thank_you",
        "Thank you, and a feedback form",
        "Those who attended",
        "The business manager sends thanks after the event",
        _thank_you,
    ),
    (
        "notes_deletion_warning",
        "Private notes will be deleted",
        "The review's reviewers",
        "Before the reviewer's private notes are deleted after sign-off",
        _notes_deletion_warning,
    ),
    (
        "access_needs_arranged",
        "Your access needs are arranged",
        "An invitee attending with access needs",
        "The business manager marks their needs as arranged",
        _access_needs_arranged,
    ),
    (
        "reply_digest",
        "Daily digest of replies",
        "The partnership's business managers",
        "Each morning when there are new access needs, declines or missing replies",
        _reply_digest,
    ),
]


def register():
    kinds.register_about("events.invitation", review="event__review")
    kinds.register_table(KINDS, folder="events/emails", group=GROUP)
