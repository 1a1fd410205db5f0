"""The business manager's nominations page: asking agencies for their key staff, chasing them, and taking
the people they name into the directory and onto an event's invitee list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.formatting import people
from events import services as event_services
from events.nomination_forms import AcceptNominationsForm, RequestNominationsForm
from practitioners import nominations as services
from reviews.access import review_for


@login_required
@require_GET
def nomination_list(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    return _nominations_page(request, review)


def _nominations_page(request, review, request_form=None, accept_form=None, status=200):
    requests = review.nomination_requests.select_related("agency").prefetch_related("nominations")
    return render(
        request,
        "events/nomination_list.html",
        {
            "partnership": review.partnership,
            "review": review,
            "nomination_requests": requests,
            "request_form": request_form or RequestNominationsForm(review=review),
            "accept_form": accept_form or AcceptNominationsForm(review=review),
        },
        status=status,
    )


@login_required
@require_POST
def nomination_request(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    form = RequestNominationsForm(request.POST, review=review)
    if form.is_valid():
        try:
            created = services.request_nominations(
                review=review,
                agencies=form.cleaned_data["agencies"],
                deadline=form.cleaned_data["deadline"],
                requested_by=request.user,
                request=request,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            count = len(created)
            leads = "1 safeguarding lead" if count == 1 else f"{count} safeguarding leads"
            messages.success(request, f"We have emailed {leads} their own link.")
            return redirect("events:nomination_list", review.partnership.slug, review.pk)
    return _nominations_page(request, review, request_form=form)


@login_required
@require_POST
def nomination_chase(request, slug, review_id, request_id):
    review = review_for(request, slug, review_id, manage=True)
    nomination_request = get_object_or_404(review.nomination_requests, pk=request_id)
    try:
        services.chase(nomination_request=nomination_request, chased_by=request.user, request=request)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"We have sent {nomination_request.agency} a reminder with a new link.")
    return redirect("events:nomination_list", review.partnership.slug, review.pk)


@login_required
@require_POST
def nomination_accept(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    form = AcceptNominationsForm(request.POST, review=review)
    if form.is_valid():
        try:
            accepted, invited = event_services.accept_nominations(
                review=review,
                nominations=form.cleaned_data["nominations"],
                event=form.cleaned_data["event"],
                accepted_by=request.user,
                request=request,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            count = len(accepted)
            text = f"{people(count)} {'is' if count == 1 else 'are'} in the directory."
            if form.cleaned_data["event"]:
                text += f" {len(invited)} added to the invitee list of {form.cleaned_data['event']}."
            messages.success(request, text)
            return redirect("events:nomination_list", review.partnership.slug, review.pk)
    return _nominations_page(request, review, accept_form=form)
