"""Possible witnesses: an invitee who may give evidence in criminal proceedings or an inquest is not invited,
nor given the confidential summary, until the police or prosecution liaison has agreed (name, organisation, date).

The business manager marks them, records the agreement or takes the mark off; each is audited with ids only.
Marked after the summary was released, they keep their place among its readers, but their access is paused
(events.summary.reader_for) and their reminders are withdrawn until the agreement is recorded.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import audit
from core.errors import DomainError
from events.models import Invitation, PossibleWitness
from notifications.models import OutboundMessage
from notifications.services import withdraw

# Invitations held back: marked as a possible witness, with no agreement recorded.
WITHOUT_AGREEMENT = Q(witness__isnull=False, witness__agreed_on__isnull=True)
# What the invitee's email history says about a reminder withdrawn because of it.
HELD_BACK_REMINDER = "The invitee was held back as a possible witness, so this reminder was not sent."


def is_held_back(invitation):
    """Whether this invitee is marked as a possible witness with no agreement recorded."""
    return Invitation.objects.filter(pk=invitation.pk).filter(WITHOUT_AGREEMENT).exists()


def held_back(invitations):
    """The invitations among these that are held back, in name order."""
    return invitations.filter(WITHOUT_AGREEMENT).select_related("practitioner").order_by("practitioner__full_name")


def names(invitations):
    return ", ".join(invitation.practitioner.full_name for invitation in invitations)


def why_held_back(invitations, what):
    """The sentence the business manager sees: who is held back from `what`, and what to record."""
    return (
        f"{names(invitations)} {'is' if len(invitations) == 1 else 'are'} held back from {what}: "
        f"marked as a possible witness, with no agreement from the police or prosecution liaison recorded. "
        f"Record the liaison's name, organisation and the date they agreed on the invitee's witness page."
    )


def held_back_line(count):
    """The line beside the send button and after sending: "1 possible witness is held back until ..."."""
    return (
        f"{count} possible witness{'' if count == 1 else 'es'} {'is' if count == 1 else 'are'} held back "
        "until the police or prosecution liaison agrees"
    )


def witness_of(invitation):
    return PossibleWitness.objects.filter(invitation=invitation).first()


def _log(action, invitation, by, request, **detail):
    audit.record(
        action,
        request=request,
        actor=by,
        partnership=invitation.event.review.partnership,
        obj=invitation,
        event_id=invitation.event_id,
        **detail,
    )


def _locked(invitation):
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("event__review__partnership")
        .get(pk=invitation.pk)
    )


def mark(invitation, *, by, request=None):
    """Mark the invitee as a possible witness: they are held back until an agreement is recorded."""
    with transaction.atomic():
        invitation = _locked(invitation)
        if invitation.event.is_cancelled:
            raise DomainError("This event was cancelled, so its invitees cannot be changed.")
        witness, created = PossibleWitness.objects.get_or_create(invitation=invitation, defaults={"marked_by": by})
        if created:
            from events.reminders import REMINDER_KINDS

            waiting = OutboundMessage.objects.about_one(invitation).filter(kind__in=REMINDER_KINDS)
            withdrawn = withdraw(waiting, reason=HELD_BACK_REMINDER)
            _log("invitation.witness_marked", invitation, by, request, reminders_withdrawn=withdrawn)
    return witness


def unmark(invitation, *, by, request=None):
    """Take the mark off: the invitee is no longer treated as a possible witness."""
    with transaction.atomic():
        invitation = _locked(invitation)
        deleted, _ = PossibleWitness.objects.filter(invitation=invitation).delete()
        if deleted:
            _log("invitation.witness_unmarked", invitation, by, request)
    return bool(deleted)


def record_agreement(invitation, *, liaison_name, liaison_organisation, agreed_on, by, request=None):
    """Record the police or prosecution liaison's agreement that the possible witness may take part."""
    liaison_name, liaison_organisation = (liaison_name or "").strip(), (liaison_organisation or "").strip()
    if not liaison_name:
        raise DomainError("Enter the liaison's name", field="liaison_name")
    if not liaison_organisation:
        raise DomainError(
            "Enter the liaison's organisation, such as the police force or the CPS", field="liaison_organisation"
        )
    if agreed_on is None:
        raise DomainError("Enter the date the liaison agreed", field="agreed_on")
    if agreed_on > timezone.localdate():
        raise DomainError("The date the liaison agreed must be today or in the past", field="agreed_on")
    with transaction.atomic():
        invitation = _locked(invitation)
        witness = PossibleWitness.objects.select_for_update().filter(invitation=invitation).first()
        if witness is None:
            raise DomainError("Mark the invitee as a possible witness first.")
        witness.liaison_name = liaison_name
        witness.liaison_organisation = liaison_organisation
        witness.agreed_on = agreed_on
        witness.agreement_recorded_by = by
        witness.agreement_recorded_at = timezone.now()
        witness.save()
        _log("invitation.witness_agreement_recorded", invitation, by, request, agreed_on=agreed_on.isoformat())
    return witness
