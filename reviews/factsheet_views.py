"""The business manager's pages for the practitioner factsheets: list, edit, preview, download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from core.access import business_manager_of
from core.downloads import pdf_response
from reviews import factsheets
from reviews.factsheet_forms import FactsheetForm
from reviews.models import Review


def _factsheet(request, slug, review_type):
    """The partnership's factsheet for a type of review; 404 for an unknown type, 403 for a reviewer."""
    partnership = business_manager_of(request, slug)
    if review_type not in Review.Type.values:
        raise Http404("No such type of review")
    return factsheets.factsheet_for(partnership, review_type)


@login_required
def factsheet_list(request, slug):
    partnership = business_manager_of(request, slug)
    items = [factsheets.factsheet_for(partnership, review_type) for review_type in Review.Type.values]
    return render(request, "reviews/factsheets/factsheet_list.html", {"partnership": partnership, "factsheets": items})


@login_required
def factsheet_edit(request, slug, review_type):
    factsheet = _factsheet(request, slug, review_type)
    initial = {name: getattr(factsheet, name) for name in factsheets.SECTIONS}
    form = FactsheetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = factsheets.update_factsheet(factsheet, data=form.cleaned_data, updated_by=request.user, request=request)
        if saved.version == factsheet.version:
            messages.info(request, "You did not change anything, so the factsheet is as it was.")
        else:
            messages.success(request, f"The {saved.get_review_type_display()} factsheet is saved.")
        return redirect("reviews:factsheet_list", slug)
    return render(
        request,
        "reviews/factsheets/factsheet_edit.html",
        {
            "partnership": request.partnership,
            "factsheet": factsheet,
            "form": form,
            "placeholders": factsheets.PLACEHOLDERS,
        },
    )


@login_required
def factsheet_preview(request, slug, review_type):
    factsheet = _factsheet(request, slug, review_type)
    return render(request, "reviews/factsheets/factsheet_preview.html", factsheets.factsheet_context(factsheet))


@login_required
def factsheet_download(request, slug, review_type):
    factsheet = _factsheet(request, slug, review_type)
    pdf = factsheets.render_factsheet_pdf(factsheet)
    return pdf_response(pdf, factsheets.factsheet_filename(factsheet.review_type))
