from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core import links
from core.errors import DomainError
from practitioners import nominations as services
from practitioners.models import Nomination
from practitioners.nomination_forms import NominationForm

nomination_start = links.start_view(services.NOMINATION_LINK)
with_nomination_request = links.holder(services.NOMINATION_LINK)


@with_nomination_request
def nomination_page(request, nomination_request):
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
            return redirect("nomination:page")
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
@with_nomination_request
def nomination_withdraw(request, nomination_request, nomination_id):
    nomination = get_object_or_404(Nomination, pk=nomination_id, request=nomination_request)
    try:
        services.withdraw_nomination(nomination=nomination, request=request)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{nomination.full_name} is off your list.")
    return redirect("nomination:page")


@require_POST
@with_nomination_request
def nomination_complete(request, nomination_request):
    try:
        services.mark_complete(nomination_request=nomination_request, request=request)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Thank you. The partnership can see your list. You can still add people.")
    return redirect("nomination:page")
