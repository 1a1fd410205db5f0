from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core import links
from core.errors import DomainError
from practitioners import nominations as services
from practitioners.models import Nomination, NominationRequest
from practitioners.nomination_forms import AcceptNominationsForm, NominationForm, RequestNominationsForm
from reviews.access import review_for

LINK_PURPOSE = "nomination"


@login_required
@require_GET
def nomination_list(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    return _nominations_page(request, review)


def _nominations_page(request, review, request_form=None, accept_form=None, status=200):
    requests = review.nomination_requests.select_related("agency").prefetch_related("nominations")
    return render(
        request,
        "practitioners/nomination_list.html",
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
            return redirect("nomination_list", review.partnership.slug, review.pk)
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
    return redirect("nomination_list", review.partnership.slug, review.pk)


@login_required
@require_POST
def nomination_accept(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    form = AcceptNominationsForm(request.POST, review=review)
    if form.is_valid():
        try:
            accepted, invited = services.accept_nominations(
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
            text = "1 person is in the directory." if count == 1 else f"{count} people are in the directory."
            if form.cleaned_data["event"]:
                text += f" {len(invited)} added to the invitee list of {form.cleaned_data['event']}."
            messages.success(request, text)
            return redirect("nomination_list", review.partnership.slug, review.pk)
    return _nominations_page(request, review, accept_form=form)


# The safeguarding lead's side: no account, a personal link.


def _link_does_not_work(request, status=404):
    return render(request, "practitioners/nomination_link_invalid.html", status=status)


@never_cache
def nomination_start(request, token):
    """Opening the link changes nothing (scanners open every link); the button's POST signs in."""
    if links.is_limited(request):
        return _link_does_not_work(request, status=429)
    nomination_request = services.request_for_token(token)
    if nomination_request is None:
        links.too_many_bad_links(request)
        return _link_does_not_work(request)
    request.partnership = nomination_request.review.partnership
    if request.method == "POST":
        links.grant(request, LINK_PURPOSE, nomination_request)
        return redirect("nomination_page")
    return render(request, "practitioners/nomination_start.html", {"nomination_request": nomination_request})


def _granted_request(request):
    nomination_request = links.granted(
        request, LINK_PURPOSE, NominationRequest.objects.select_related("review__partnership", "agency")
    )
    if nomination_request is None or not services.is_open(nomination_request):
        return None
    request.partnership = nomination_request.review.partnership
    return nomination_request


@never_cache
def nomination_page(request):
    nomination_request = _granted_request(request)
    if nomination_request is None:
        return _link_does_not_work(request, status=403)
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.add_nomination(
                nomination_request=nomination_request, data=form.cleaned_data, request=request
            )
        except DomainError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"{nomination.full_name} is on your list.")
            return redirect("nomination_page")
    return render(
        request,
        "practitioners/nomination_page.html",
        {
            "nomination_request": nomination_request,
            "review": nomination_request.review,
            "partnership": nomination_request.review.partnership,
            "nominations": nomination_request.nominations.all(),
            "form": form,
        },
    )


@require_POST
def nomination_withdraw(request, nomination_id):
    nomination_request = _granted_request(request)
    if nomination_request is None:
        return _link_does_not_work(request, status=403)
    nomination = get_object_or_404(Nomination, pk=nomination_id, request=nomination_request)
    try:
        services.withdraw_nomination(nomination=nomination, request=request)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{nomination.full_name} is off your list.")
    return redirect("nomination_page")


@require_POST
def nomination_complete(request):
    nomination_request = _granted_request(request)
    if nomination_request is None:
        return _link_does_not_work(request, status=403)
    try:
        services.mark_complete(nomination_request=nomination_request, request=request)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Thank you. The partnership can see your list. You can still add people.")
    return redirect("nomination_page")
