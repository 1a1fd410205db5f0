"""The review's legal hold: the business manager places it, or lifts it, with a reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from core.errors import DomainError
from reviews import holds
from reviews.access import review_for
from reviews.hold_forms import HoldReasonForm


@login_required
def legal_hold(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    hold = holds.standing_hold(review)
    form = HoldReasonForm(request.POST or None, lifting=hold is not None)
    if request.method == "POST" and form.is_valid():
        service = holds.lift_hold if hold is not None else holds.place_hold
        try:
            service(review, reason=form.cleaned_data["reason"], by=request.user, request=request)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            if hold is not None:
                messages.success(request, "The legal hold is lifted. The reviewers' notes will be deleted on schedule.")
            else:
                messages.success(request, "The review is under a legal hold.")
            return redirect("reviews:legal_hold", slug, review.pk)
    return render(
        request,
        "reviews/legal_hold.html",
        {
            "partnership": review.partnership,
            "review": review,
            "hold": hold,
            "history": review.legal_holds.filter(lifted_at__isnull=False).select_related("placed_by", "lifted_by"),
            "form": form,
        },
    )
