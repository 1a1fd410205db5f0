"""What the business manager does with a decline, and with an invitee's access needs, from the event page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.formatting import uk_date
from events import access_needs, declines
from events.access_needs_forms import ArrangedForm
from events.services import EventError
from events.views import _invitation_of, event_for


def _back_to_declines(event):
    return redirect(f"{event_page(event)}#declined")


def event_page(event):
    return reverse("events:event_detail", args=[event.review.partnership.slug, event.pk])


@login_required
@require_POST
def invite_colleague(request, slug, event_id, invitation_id):
    event = event_for(request, slug, event_id, manage=True)
    invitation = _invitation_of(request, event, invitation_id)
    invitation.event = event
    try:
        practitioner, created = declines.invite_colleague(invitation, added_by=request.user, request=request)
    except EventError as error:
        messages.error(request, str(error))
    else:
        where = "added to the directory and the invitee list" if created else "on the invitee list"
        messages.success(
            request,
            f"{practitioner.full_name} is {where}, with {practitioner.agency.name}. "
            "Send the invitations when you are ready.",
        )
    return _back_to_declines(event)


@login_required
@require_POST
def ask_agency(request, slug, event_id, invitation_id):
    event = event_for(request, slug, event_id, manage=True)
    invitation = _invitation_of(request, event, invitation_id)
    invitation.event = event
    try:
        nomination_request = declines.ask_lead_to_nominate(invitation, asked_by=request.user, request=request)
    except EventError as error:
        messages.error(request, str(error))
    else:
        agency = nomination_request.agency
        lead = agency.lead_name or f"{agency.name}'s safeguarding lead"
        messages.success(
            request,
            f"We have emailed {lead} a link to nominate someone by {uk_date(nomination_request.deadline)}.",
        )
    return _back_to_declines(event)


@login_required
def access_needs_arranged(request, slug, event_id, invitation_id):
    """Mark one attending invitee's access needs as arranged; they are told by email."""
    event = event_for(request, slug, event_id, manage=True)
    invitation = _invitation_of(request, event, invitation_id)
    invitation.event = event
    form = ArrangedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            access_needs.mark_arranged(
                invitation, note=form.cleaned_data["note"], arranged_by=request.user, request=request
            )
        except DomainError as error:
            if error.field in form.fields:
                form.add_error(error.field, str(error))
            else:
                messages.error(request, str(error))
                return redirect(f"{event_page(event)}#access-needs")
        else:
            messages.success(
                request,
                f"{invitation.practitioner.full_name}'s access needs are marked as arranged. We are emailing them.",
            )
            return redirect(f"{event_page(event)}#access-needs")
    return render(
        request,
        "events/access_needs_arranged.html",
        {
            "event": event,
            "review": event.review,
            "partnership": request.partnership,
            "invitation": invitation,
            "form": form,
        },
    )
