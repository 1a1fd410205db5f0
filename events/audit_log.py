"""How the audit log reads the events app's entries: its actions and its objects, as the pages name them."""

from core import audit
from core.formatting import uk_date

ACTIONS = {
    "access_needs.arranged": "Marked an invitee's access needs as arranged",
    "attendance.recorded": "Recorded who came to an event",
    "calendar_feed.created": "Made a personal calendar feed of the partnership's events",
    "calendar_feed.reset": "Gave a calendar feed a new address",
    "calendar_feed.stopped": "Stopped a calendar feed",
    "decline.colleague_invited": "Added the colleague an invitee suggested to the invitees",
    "decline.nomination_asked": "Asked an agency's lead to nominate instead of an invitee who cannot attend",
    "event.described": "Changed what an event is about: its agenda, facilitator or shared themes",
    "event.cancelled": "Cancelled an event",
    "event.created": "Created an event",
    "event.register_downloaded": "Downloaded an event's attendance register",
    "event.sign_in_sheet_downloaded": "Downloaded an event's sign-in sheet",
    "event.updated": "Changed an event",
    "feedback.given": "An invitee gave feedback on the event",
    "invitation.link_revoked": "Stopped an invitee's link",
    "invitation.link_rotated": "Sent an invitee a new link",
    "invitation.witness_agreement_recorded": "Recorded the liaison's agreement for a possible witness",
    "invitation.witness_marked": "Marked an invitee as a possible witness",
    "invitation.witness_unmarked": "Unmarked an invitee as a possible witness",
    "invitations.sent": "Sent invitations",
    "invitee.removed": "Removed an invitee",
    "invitees.added": "Added invitees",
    "nominations.accepted": "Accepted nominations",
    "note.created": "A reviewer added a private note",
    "note.deleted": "A reviewer deleted a private note",
    "note.updated": "A reviewer changed a private note",
    "note.viewed": "A reviewer read their private notes",
    "notes.deleted_after_sign_off": "Reviewers' notes deleted after sign-off",
    "rsvp.recorded": "An invitee replied",
    "summary.downloaded": "An invitee downloaded the summary",
    "summary.name_marked_not_a_person": "Marked a name the summary's check found as not a person",
    "summary.readers_exported": "Downloaded the summary's read log as CSV",
    "summary.released": "Released the summary",
    "summary.reminded": "Reminded invitees to read the summary",
    "summary.terms_accepted": "An invitee accepted the summary's confidentiality terms",
    "summary.version_added": "Added a version of the summary",
    "summary.version_downloaded": "Downloaded a version of the summary",
    "summary.version_stamped_downloaded": "Downloaded a stamped copy of a version of the summary",
    "summary.version_viewed": "Opened a version of the summary",
    "summary.viewed": "An invitee read the summary",
    "summary.withdrawn": "Withdrew an invitee's access to the summary",
    "thank_you.sent": "Sent thanks after the event",
}


def _event(event):
    return f"the event on {uk_date(event.starts_at)}"


def _summary_version(event, version_id):
    """ "Version 2 of the summary": the number the pages show for the version an entry kept the id of."""
    for version in event.summary_versions.all():
        if version.pk == version_id:
            return f"Version {version.number} of the summary"
    return "The summary"


def register():
    audit.register_actions(ACTIONS)
    audit.register(
        audit.Subject(
            "events.Event",
            lambda event, detail: f"The event on {uk_date(event.starts_at)}: {event.title}",
            "review_id",
        ),
        audit.Subject(
            "events.Invitation",
            lambda invitation, detail: f"Invitation to {_event(invitation.event)}",
            "event__review_id",
            person=lambda invitation: invitation.practitioner.full_name,
            related=("event", "practitioner"),
        ),
        audit.Subject(
            "events.SummaryVersion",
            lambda version, detail: f"Version {version.number} of the summary, for {_event(version.event)}",
            "event__review_id",
            related=("event",),
        ),
        audit.Subject(
            "events.SummaryRelease",
            lambda release, detail: (
                f"{_summary_version(release.event, detail.get('version'))}, for {_event(release.event)}"
            ),
            "event__review_id",
            related=("event",),
            prefetch=("event__summary_versions",),
        ),
        audit.Subject(
            "events.SummaryReader",
            lambda reader, detail: (
                f"{_summary_version(reader.release.event, detail.get('version'))}, for {_event(reader.release.event)}"
            ),
            "release__event__review_id",
            person=lambda reader: reader.invitation.practitioner.full_name,
            related=("release__event", "invitation__practitioner"),
            prefetch=("release__event__summary_versions",),
        ),
        audit.Subject(
            "events.SummaryNameHit",
            lambda hit, detail: f"A name found in version {hit.version.number} of the summary",
            "version__event__review_id",
            related=("version",),
        ),
        # A note's title and text are the reviewer's alone: the log says only that it is a note.
        audit.Subject(
            "events.ReviewerNote",
            lambda note, detail: "A reviewer's private note",
            "review_id",
            review_in_detail="review_id",
        ),
    )
