"""The agency's action owner: no account, a personal link to their agency's actions on one review."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from actions import services
from actions.forms import UpdateForm
from actions.models import Action
from core import links
from core.errors import DomainError

action_link = links.start_view(services.AGENCY_LINK)
with_agency_link = links.holder(services.AGENCY_LINK)


def _not_available(request, status=404):
    """The one page for every link or action this browser cannot use, whatever the reason."""
    return services.AGENCY_LINK.unavailable(request, status)


def _context(agency_link, **extra):
    return {
        "agency_link": agency_link,
        "agency": agency_link.agency,
        "review": agency_link.review,
        "partnership": agency_link.review.partnership,
        **extra,
    }


@require_GET
@with_agency_link
def action_owner_list(request, agency_link):
    today = timezone.localdate()
    actions = list(services.actions_for_agency(agency_link).order_by("recommendation__number", "due_date", "id"))
    for action in actions:
        action.is_overdue = action.status != Action.Status.COMPLETE and action.due_date < today
    return render(request, "actions/owner_list.html", _context(agency_link, actions=actions))


@with_agency_link
def action_owner_update(request, agency_link, action_id):
    # Only the link's own agency's actions on the link's own review: any other is simply not found.
    action = services.actions_for_agency(agency_link).filter(pk=action_id).first()
    if action is None:
        return _not_available(request, status=404)
    posted = request.method == "POST"
    form = UpdateForm(request.POST if posted else None, request.FILES if posted else None, action=action)
    if posted and form.is_valid():
        try:
            services.add_update(
                action,
                text=form.cleaned_data["text"],
                status=form.cleaned_data["status"],
                rag=form.cleaned_data["rag"],
                evidence_file=form.cleaned_data["evidence"],
                author_name=agency_link.name,
                request=request,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, "Thank you. Your update is saved and the partnership can see it.")
            return redirect("action_owner:list")
    return render(
        request,
        "actions/owner_update.html",
        _context(
            agency_link,
            action=action,
            updates=action.updates.select_related("author"),
            form=form,
            is_overdue=action.status != Action.Status.COMPLETE and action.due_date < timezone.localdate(),
        ),
    )


@require_POST
def action_owner_leave(request):
    links.forget(request, services.AGENCY_LINK)
    return redirect("action_owner:left")


@require_GET
def action_owner_left(request):
    return render(request, "actions/owner_left.html")
