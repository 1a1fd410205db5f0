"""The names a review's shared documents must not give: who the names check (core.names) looks for."""

from core.names import Kind
from events.models import Invitation
from practitioners.models import Nomination, Practitioner


def names_for_review(review):
    """{kind: names}: the review's real name, its invitees, its nominees and the partnership's directory."""
    invitees = Invitation.objects.filter(event__review=review).values_list("practitioner__full_name", flat=True)
    nominees = Nomination.objects.filter(request__review=review).values_list("full_name", flat=True)
    directory = Practitioner.objects.for_partnership(review.partnership_id).values_list("full_name", flat=True)
    subject = review.subject_name
    return {
        Kind.SUBJECT: [subject] if subject else [],
        Kind.INVITEE: set(invitees),
        Kind.NOMINEE: set(nominees),
        Kind.PRACTITIONER: set(directory),
    }
