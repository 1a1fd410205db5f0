"""An invitee who may be a witness: the business manager marks them and records the liaison's agreement."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from core.errors import DomainError
from events import summary, witnesses
from events.views import _invitation_of, event_for
from events.witness_forms import AgreementForm

ACTIONS = ("mark", "unmark", "agree")


@login_required
def invitee_witness(request, slug, event_id, invitation_id):
    event = event_for(request, slug, event_id, manage=True)
    invitation = _invitation_of(request, event, invitation_id)
    witness = witnesses.witness_of(invitation)
    # Changing a recorded agreement starts from what was recorded.
    agreed = {"liaison_name", "liaison_organisation", "agreed_on"}
    form = AgreementForm(
        initial={name: getattr(witness, name) for name in agreed} if witness and witness.agreed else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        name = invitation.practitioner.full_name
        if action not in ACTIONS:
            messages.error(request, "Choose what to do: mark them, take the mark off, or record the agreement.")
            return redirect("events:invitee_witness", slug, event.pk, invitation.pk)
        try:
            if action == "mark":
                witnesses.mark(invitation, by=request.user, request=request)
                marked = f"{name} is marked as a possible witness."
                if summary.was_given(invitation):
                    marked += " Their access to the summary is paused until the agreement."
                messages.success(request, marked)
                return redirect("events:invitee_witness", slug, event.pk, invitation.pk)
            if action == "unmark":
                witnesses.unmark(invitation, by=request.user, request=request)
                messages.success(request, f"{name} is no longer marked as a possible witness.")
                return redirect("events:invitee_witness", slug, event.pk, invitation.pk)
            form = AgreementForm(request.POST)
            if form.is_valid():
                witnesses.record_agreement(invitation, **form.cleaned_data, by=request.user, request=request)
                messages.success(request, f"The liaison's agreement is recorded. {name} can now be invited.")
                return redirect("events:invitee_witness", slug, event.pk, invitation.pk)
        except DomainError as error:
            if error.field in form.fields:
                form.add_error(error.field, str(error))
            else:
                messages.error(request, str(error))
                return redirect("events:invitee_witness", slug, event.pk, invitation.pk)
    return render(
        request,
        "events/invitee_witness.html",
        {
            "event": event,
            "review": event.review,
            "partnership": request.partnership,
            "invitation": invitation,
            "witness": witnesses.witness_of(invitation) if request.method == "POST" else witness,
            "summary_paused": summary.was_given(invitation),
            "form": form,
        },
    )
