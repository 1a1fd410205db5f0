"""What the action plan keeps about people, for the retention schedule (see reviews.retention)."""

from django.db.models import Q

from actions.models import Action, ActionUpdate, AgencyLink
from core import links as personal_links
from core.retention import REMOVED_EMAIL, REMOVED_NAME, ReviewData, not_blank
from notifications.models import OutboundMessage
from notifications.services import forget


class ActionData(ReviewData):
    labels = {
        "action_updates": ("action update with evidence or a name", "action updates with evidence or a name"),
        "agency_links": ("agency action-plan link", "agency action-plan links"),
        "action_emails": ("email about the action plan", "emails about the action plan"),
    }

    def left(self, review):
        links = AgencyLink.objects.filter(review=review)
        actions = Action.objects.filter(recommendation__review=review)
        emails = OutboundMessage.objects.keyed(
            review.partnership_id,
            {
                # Keyed "<prefix>:<id>…" by the agency link or the action the email was about.
                "action_link": set(links.values_list("pk", flat=True)),
                "reminder:action_overdue": set(actions.values_list("pk", flat=True)),
            },
        )
        return {
            "action_updates": ActionUpdate.objects.filter(action__recommendation__review=review).filter(
                not_blank("evidence", "evidence_filename") | (~Q(author_name="") & ~Q(author_name=REMOVED_NAME))
            ),
            "agency_links": links.filter(~Q(name=REMOVED_NAME) | Q(token_hash__isnull=False)),
            "action_emails": emails.exclude(recipient=REMOVED_EMAIL),
        }

    def files(self, review, left):
        return list(left["action_updates"].exclude(evidence="").values_list("evidence", flat=True))

    def remove(self, review, left, now):
        updates = left["action_updates"]
        updates.exclude(author_name="").update(author_name=REMOVED_NAME)
        ActionUpdate.objects.filter(action__recommendation__review=review).filter(
            not_blank("evidence", "evidence_filename")
        ).update(evidence="", evidence_filename="")
        links = left["agency_links"]
        personal_links.revoke_all(links, now)
        links.update(name=REMOVED_NAME, email=REMOVED_EMAIL, token_hash=None)
        forget(left["action_emails"], recipient=REMOVED_EMAIL, reason="Not sent: removed under the retention schedule.")
