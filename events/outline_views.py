"""The event's page where its business manager or reviewer says what the event is, as invitees will read it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from events import services
from events.outline_forms import EventOutlineForm
from events.views import _refuse_if_cancelled, event_for


@login_required
def event_outline(request, slug, event_id):
    # Anyone who may see the event may describe it: the business manager and the review's reviewers.
    event = event_for(request, slug, event_id)
    if refused := _refuse_if_cancelled(request, event):
        return refused
    form = EventOutlineForm(request.POST if request.method == "POST" else None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.describe_event(event, **form.values(), updated_by=request.user, request=request)
        except services.EventError as error:
            if error.field in form.fields:
                form.add_error(error.field, str(error))
            else:
                messages.error(request, str(error))
                return redirect("events:event_detail", slug, event.pk)
        else:
            if changed:
                messages.success(request, "Saved. Invitees see the agenda, the facilitator and the shared themes.")
            else:
                messages.info(request, "You did not change anything.")
            return redirect("events:event_detail", slug, event.pk)
    return render(
        request,
        "events/event_outline.html",
        {"partnership": request.partnership, "review": event.review, "event": event, "form": form},
    )
