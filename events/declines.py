"""Declines that lead somewhere: the colleague a decliner suggested is invited in one step, or their agency's
safeguarding lead is asked to nominate someone instead (the nominations by link of practitioners.nominations).
"""

from django.db import transaction
from django.utils import timezone

from core import audit
from core.errors import DomainError
from events.models import Invitation
from events.services import EventError, _lock_open_event, add_invitees
from practitioners.models import Practitioner


def _declined(invitation):
    """The invitation, locked with its event (which must still be open), if its invitee has declined."""
    event = _lock_open_event(invitation.event)
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("practitioner__agency").get(pk=invitation.pk)
    )
    invitation.event = event
    if invitation.status != Invitation.Status.DECLINED:
        raise EventError(f"{invitation.practitioner.full_name} has not said they cannot attend.")
    return invitation


def colleague_invitation(invitation):
    """The suggested colleague's own invitation to the same event, if they are on its list already."""
    email = invitation.suggested_colleague_email
    if not email:
        return None
    return (
        Invitation.objects.filter(event_id=invitation.event_id, practitioner__email=email)
        .select_related("practitioner")
        .first()
    )


def invite_colleague(invitation, *, added_by, request=None):
    """Put the colleague a decliner suggested into the directory (with the decliner's agency) and onto the event's list.

    Someone already in the directory with that email address is used as they are. Returns (practitioner, created).
    """
    from practitioners import services as directory

    with transaction.atomic():
        invitation = _declined(invitation)
        decliner = invitation.practitioner
        email, name = invitation.suggested_colleague_email, invitation.suggested_colleague_name
        if not email:
            raise EventError(
                f"{decliner.full_name} did not give their colleague's email address, so we cannot invite them. "
                f"Ask {decliner.full_name} for it, or ask {decliner.agency.name}'s safeguarding lead to nominate "
                "someone instead."
            )
        partnership = invitation.event.review.partnership
        existing = Practitioner.objects.for_partnership(partnership).filter(email=email).first()
        if existing is None and not name:
            raise EventError(
                f"{decliner.full_name} did not give their colleague's name, so we cannot add them to the directory. "
                "Add them as a new person instead."
            )
        try:
            practitioner, created = directory.find_or_create_practitioner(
                partnership,
                full_name=name,
                job_title="",
                agency=decliner.agency,
                email=email,
                added_by=added_by,
                request=request,
            )
        except DomainError as error:
            raise EventError(str(error)) from error
        _, already_there = add_invitees(
            invitation.event, [practitioner], source=Invitation.Source.SUGGESTED, added_by=added_by, request=request
        )
        if already_there:
            raise EventError(f"{practitioner.full_name} is already on the invitee list.")
        audit.record(
            "decline.colleague_invited",
            request=request,
            actor=added_by,
            partnership=partnership,
            obj=invitation,
            practitioner=practitioner.pk,
            new_to_directory=created,
        )
    return practitioner, created


def nomination_deadline(event, today=None):
    """The date the agency is asked to nominate by: the event's reply-by date, or today if that has passed."""
    today = today or timezone.localdate()
    return max(event.rsvp_deadline, today)


def ask_lead_to_nominate(invitation, *, asked_by, request=None):
    """Ask the decliner's agency's safeguarding lead to nominate someone: a new request by link, or a chase of the
    agency's open one. Returns the nomination request.
    """
    from practitioners import nominations

    with transaction.atomic():
        invitation = _declined(invitation)
        agency = invitation.practitioner.agency
        review = invitation.event.review
        existing = review.nomination_requests.filter(agency=agency).first()
        try:
            if existing is None:
                if not agency.lead_email:
                    raise EventError(
                        f"{agency.name} has no safeguarding lead email address. Add one on the agency's page, "
                        "then ask again."
                    )
                (nomination_request,) = nominations.request_nominations(
                    review=review,
                    agencies=[agency],
                    deadline=nomination_deadline(invitation.event),
                    requested_by=asked_by,
                    request=request,
                )
            else:
                nomination_request = nominations.chase(nomination_request=existing, chased_by=asked_by, request=request)
        except EventError:
            raise
        except DomainError as error:
            raise EventError(str(error)) from error
        audit.record(
            "decline.nomination_asked",
            request=request,
            actor=asked_by,
            partnership=review.partnership,
            obj=invitation,
            agency=agency.pk,
            nomination_request=nomination_request.pk,
        )
    return nomination_request
