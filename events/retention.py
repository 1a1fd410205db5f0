"""What events keep about people for a review, for the retention schedule (see reviews.retention)."""

from django.core.files.storage import default_storage
from django.db.models import Q

from core import links
from core.retention import REMOVED_EMAIL, REMOVED_NAME, ReviewData, not_blank
from events.models import Event, Invitation, PossibleWitness, SummaryNameHit, SummaryVersion
from notifications.models import OutboundMessage
from notifications.services import forget


class EventData(ReviewData):
    labels = {
        "invitations": ("invitation with personal details or a link", "invitations with personal details or a link"),
        "emails": ("email to an invitee", "emails to invitees"),
        "summary_versions": ("summary version", "summary versions"),
        "summary_name_hits": (
            "name found in a summary by the names check",
            "names found in summaries by the names check",
        ),
        "witness_liaisons": ("police or prosecution liaison named", "police or prosecution liaisons named"),
    }

    def left(self, review):
        invitations = Invitation.objects.filter(event__review=review)
        return {
            "invitations": invitations.filter(
                Q(token_hash__isnull=False)
                | not_blank(
                    "decline_reason",
                    "suggested_colleague_name",
                    "suggested_colleague_email",
                    "access_needs",
                    "access_needs_arranged_note",
                )
            ),
            "emails": OutboundMessage.objects.about(Invitation, invitations.values("pk")).exclude(
                recipient=REMOVED_EMAIL
            ),
            "summary_versions": SummaryVersion.objects.filter(event__review=review).filter(
                not_blank("file", "body_html", "original_filename")
            ),
            "summary_name_hits": SummaryNameHit.objects.filter(version__event__review=review).filter(
                not_blank("matched", "context")
            ),
            "witness_liaisons": PossibleWitness.objects.filter(
                invitation__event__review=review, agreed_on__isnull=False
            ).exclude(liaison_name=REMOVED_NAME),
        }

    def files(self, review, left):
        """The summary files still stored, and the factsheet PDFs kept for the review's events."""
        names = list(left["summary_versions"].exclude(file="").values_list("file", flat=True))
        prefixes = tuple(f"event-{pk}-" for pk in Event.objects.filter(review=review).values_list("pk", flat=True))
        if prefixes:
            try:
                cached = default_storage.listdir("factsheets")[1]
            except FileNotFoundError:
                cached = []
            names += [f"factsheets/{name}" for name in cached if name.startswith(prefixes)]
        return names

    def remove(self, review, left, now):
        invitations = left["invitations"]
        links.revoke_all(invitations, now)
        invitations.update(
            token_hash=None,
            decline_reason="",
            suggested_colleague_name="",
            suggested_colleague_email="",
            access_needs="",
            access_needs_arranged_note="",
        )
        forget(left["emails"], recipient=REMOVED_EMAIL, reason="Not sent: removed under the retention schedule.")
        left["summary_versions"].update(file="", body_html="", original_filename="")
        left["summary_name_hits"].update(matched="", context="")
        # The agreement itself (its organisation and date) stays: it is why the witness took part.
        left["witness_liaisons"].update(liaison_name=REMOVED_NAME)
