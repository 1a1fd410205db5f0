from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import links
from core.errors import DomainError
from practitioners import nominations as services
from practitioners.models import Nomination, NominationRequest
from practitioners.nomination_forms import NominationForm

LINK_PURPOSE = "nomination"


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
