"""The staff's pages for the agencies' written accounts: progress by agency, asking agencies, answering a
request for more time, and reading a file (each read audited)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.access import is_business_manager
from core.downloads import file_response, safe_name
from core.errors import DomainError
from reviews.access import review_for
from submissions import services
from submissions.forms import ExtensionDecisionForm, RequestAccountsForm
from submissions.models import CONTENT_TYPES, AccountDocument, AccountVersion, Extension


def _requests_of(review):
    return review.account_requests.select_related("agency", "template").prefetch_related(
        "extensions",
        Prefetch("documents", queryset=AccountDocument.objects.prefetch_related("versions")),
    )


@login_required
@require_GET
def progress(request, slug, review_id):
    review = review_for(request, slug, review_id)
    return _progress_page(request, review)


def _progress_page(request, review, form=None, status=200):
    manages = is_business_manager(request.user, review.partnership)
    return render(
        request,
        "submissions/progress.html",
        {
            "partnership": review.partnership,
            "review": review,
            "account_requests": _requests_of(review),
            "today": timezone.localdate(),
            "manages": manages,
            "form": (form or RequestAccountsForm(review=review)) if manages else None,
        },
        status=status,
    )


@login_required
@require_POST
def ask(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    form = RequestAccountsForm(request.POST, request.FILES, review=review)
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_accounts(
                review=review,
                agencies=data["agencies"],
                kind=data["kind"],
                working_days=data["working_days"],
                template_name=data["template_name"],
                template_upload=data["template_file"],
                requested_by=request.user,
                request=request,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            count = len(created)
            leads = "1 safeguarding lead" if count == 1 else f"{count} safeguarding leads"
            messages.success(request, f"We have emailed {leads} their own link.")
            return redirect("accounts:progress", review.partnership.slug, review.pk)
    return _progress_page(request, review, form=form)


@login_required
def extension(request, slug, review_id, extension_id):
    review = review_for(request, slug, review_id, manage=True)
    extension = get_object_or_404(
        Extension.objects.select_related("request__agency"), pk=extension_id, request__review=review
    )
    form = ExtensionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        grant = form.cleaned_data["decision"] == "grant"
        try:
            services.decide_extension(
                extension=extension,
                grant=grant,
                refusal_reason=form.cleaned_data["refusal_reason"],
                decided_by=request.user,
                request=request,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            agency = extension.request.agency
            messages.success(
                request,
                f"{agency} has more time: we have told its safeguarding lead."
                if grant
                else f"We have told {agency}'s safeguarding lead that you refused more time.",
            )
            return redirect("accounts:progress", review.partnership.slug, review.pk)
    return render(
        request,
        "submissions/extension.html",
        {
            "partnership": review.partnership,
            "review": review,
            "extension": extension,
            "account_request": extension.request,
            "form": form,
        },
    )


@login_required
@require_GET
def account_file(request, slug, review_id, account_file_id):
    review = review_for(request, slug, review_id)
    version = get_object_or_404(
        AccountVersion.objects.select_related("document__request__agency", "document__request__review"),
        pk=account_file_id,
        document__request__review=review,
    )
    try:
        data = services.read_file(version=version, reader=request.user, request=request)
    except DomainError as error:
        raise Http404(str(error)) from error
    agency = version.document.request.agency
    name = f"{safe_name(review.reference)}-{safe_name(agency.name)}-{version.document_id}-v{version.number}"
    return file_response(data, CONTENT_TYPES[version.source], f"{name}.{version.source}")
