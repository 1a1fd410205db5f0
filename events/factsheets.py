"""The factsheet attached to an event's invitations: the partnership's wording with the event's box."""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from events.models import Event
from notifications.services import attachment_maker
from reviews.factsheets import PARTNERSHIP_FIELDS, SECTIONS, factsheet_filename, factsheet_for, render_factsheet_pdf


def event_place(event):
    """Where the event is, in one line for a document: the venue, online, or both."""
    venue = ", ".join(part for part in [event.venue_name, *event.venue_address.splitlines()] if part.strip())
    if event.format == Event.Format.ONLINE:
        return "Online. The joining details go to everyone who accepts."
    if event.format == Event.Format.HYBRID:
        return f"{venue}, or online" if venue else "In person or online"
    return venue


def event_outline(event):
    """What the event is, for the factsheet's box: only the themes invitees may see."""
    return {
        "reviewer": event.reviewer_name,
        "facilitator": event.facilitator,
        "agenda": event.agenda,
        "themes": [theme.title for theme in event.shared_themes()],
    }


def _fingerprint(factsheet, event, outline):
    """A short hash of everything an event's factsheet shows.

    It keeps a stored PDF from being reused when something it shows changed without a new sequence
    or version (the review's pseudonym, the partnership's contact details, the agenda, the shared
    themes), or when a database
    restored from a backup hands an event number to a different event.
    """
    review, partnership = event.review, factsheet.partnership
    parts = [
        str(event.uid),
        event.when,
        event_place(event),
        review.reference,
        review.pseudonym,
        *(str(getattr(partnership, field)) for field in ("name", *PARTNERSHIP_FIELDS)),
        *(getattr(factsheet, name) for name in SECTIONS),
        outline["reviewer"],
        outline["facilitator"],
        outline["agenda"],
        *outline["themes"],
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]


def event_factsheet(event):
    """(filename, PDF) of the factsheet for an event, rendered once per event time and wording.

    Every invitation email attaches it, so it is kept in file storage under a name that changes
    when the event moves (`sequence`), the wording changes (`version`) or anything else it shows.
    """
    review = event.review
    factsheet = factsheet_for(review.partnership, review.review_type)
    filename = factsheet_filename(review.review_type, review.reference)
    outline = event_outline(event)
    fingerprint = _fingerprint(factsheet, event, outline)
    stored_name = f"factsheets/event-{event.pk}-s{event.sequence}-v{factsheet.version}-{fingerprint}.pdf"
    if default_storage.exists(stored_name):
        with default_storage.open(stored_name, "rb") as stored:
            return filename, stored.read()
    pdf = render_factsheet_pdf(factsheet, event=event, place=event_place(event), outline=outline)
    saved_name = default_storage.save(stored_name, ContentFile(pdf))
    if saved_name != stored_name:
        # Another worker stored it first; storage kept both under different names.
        default_storage.delete(saved_name)
    _drop_older_copies(event, keep=stored_name)
    return filename, pdf


def _drop_older_copies(event, *, keep):
    """Keep one stored factsheet per event: the copies for its earlier times or wording go."""
    prefix = f"event-{event.pk}-"
    for name in default_storage.listdir("factsheets")[1]:
        if name.startswith(prefix) and f"factsheets/{name}" != keep:
            default_storage.delete(f"factsheets/{name}")


@attachment_maker("factsheet", label="Factsheet (PDF)")
def factsheet_attachment(attachment):
    """The outbox's attachment {"type": "factsheet", "event": id}, made when the message is sent."""
    filename, pdf = event_factsheet(Event.objects.select_related("review__partnership").get(pk=attachment["event"]))
    return filename, pdf, "application/pdf"
