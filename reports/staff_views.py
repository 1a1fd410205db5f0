"""The draft report for the review's reviewers and the partnership's business managers.

Everyone else gets 404, as for the review itself. Opening or downloading a version is logged.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import audit, names
from core.downloads import pdf_response, safe_name
from core.errors import DomainError
from core.forms import NotAPersonForm, name_hits_context
from reports import anonymisation, documents, panels
from reports.models import NameHit, ReportVersion
from reports.staff_forms import ReportUploadForm
from reviews.access import review_for


def plural(count, word):
    """ "1 place", "3 places"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _version_for(request, slug, review_id, number):
    review = review_for(request, slug, review_id)
    version = get_object_or_404(ReportVersion.objects.select_related("created_by"), review=review, number=number)
    version.review = review
    return version


def _record(request, action, version):
    audit.record(
        action,
        request=request,
        partnership=request.partnership,
        obj=version,
        review_id=version.review_id,
        number=version.number,
    )


def _check_result(version, open_count, total):
    if version.name_check_at is None:
        return "Not checked"
    if total == 0:
        return "No names found"
    if open_count == 0:
        return f"{plural(total, 'name')} found, all dealt with"
    return f"{plural(open_count, 'name')} to check"


@never_cache
@login_required
def report_home(request, slug, review_id):
    review = review_for(request, slug, review_id)
    form = ReportUploadForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = documents.add_version(
                review, upload=form.cleaned_data["file"], created_by=request.user, request=request
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            found = names.open_hits(version).count()
            if found:
                messages.warning(
                    request,
                    f"Version {version.number} is saved. The check found {plural(found, 'place')} "
                    "that may name someone: deal with each before the draft is circulated.",
                )
            else:
                messages.success(request, f"Version {version.number} is saved. The check found no names.")
            return redirect("reports:report_version", slug, review.pk, version.number)
    versions = list(
        documents.versions_of(review).annotate(
            hit_count=Count("name_hits"),
            open_hit_count=Count("name_hits", filter=Q(name_hits__status=NameHit.Status.OPEN)),
        )
    )
    for version in versions:
        version.check_result = _check_result(version, version.open_hit_count, version.hit_count)
        version.check_clear = version.name_check_at is not None and version.open_hit_count == 0
    context = {
        **panels.circulation_panel(review, request.user),
        **panels.signoff_panel(review, request.user),
        "partnership": request.partnership,
        "review": review,
        "versions": versions,
        "signed_off": documents.is_signed_off(review),
        "form": form,
    }
    return render(request, "reports/report_home.html", context)


def _version_page(request, version, *, failed=None):
    """The version page; `failed` is a bound form for one hit that did not pass."""
    review = version.review
    signed_off = documents.is_signed_off(review)
    context = {
        "partnership": request.partnership,
        "review": review,
        "signed_off": signed_off,
        "body": documents.version_html(version),
        # For the page title and the error summary at the top.
        "form": failed,
        **name_hits_context(
            version, subject_word=review.subject_word, dismiss_url=_dismiss_url, editable=not signed_off, failed=failed
        ),
    }
    return render(request, "reports/report_version.html", context, status=200)


@never_cache
@login_required
def report_version(request, slug, review_id, number):
    version = _version_for(request, slug, review_id, number)
    _record(request, "report.version_viewed", version)
    return _version_page(request, version)


@never_cache
@login_required
def report_version_pdf(request, slug, review_id, number):
    """The version's PDF without a stamp: a Word version laid out with its numbers, or the PDF uploaded."""
    version = _version_for(request, slug, review_id, number)
    if version.source == ReportVersion.Source.PDF and not version.file:
        # The retention schedule removed the uploaded file: there is nothing left to download.
        raise Http404
    reference = safe_name(version.review.reference) or "review"
    response = pdf_response(documents.render_plain_pdf(version), f"draft-report-{reference}-v{version.number}.pdf")
    _record(request, "report.version_downloaded", version)
    return response


@never_cache
@login_required
@require_POST
def report_hit_dismiss(request, slug, review_id, number, hit_id):
    version = _version_for(request, slug, review_id, number)
    hit = get_object_or_404(NameHit, version=version, pk=hit_id)
    hit.version = version
    form = NotAPersonForm(request.POST, hit=hit, action=_dismiss_url(hit))
    try:
        if form.is_valid():
            anonymisation.mark_not_a_person(hit, reason=form.cleaned_data["reason"], by=request.user, request=request)
        elif not _still_open(hit):
            anonymisation.refuse_change(hit)
    except DomainError as error:
        if not _still_open(hit):
            # Signed off, or already marked: the page no longer offers this form, so say why at the top.
            messages.error(request, str(error))
            return redirect("reports:report_version", slug, version.review.pk, version.number)
        form.add_error(error.field if error.field in form.fields else None, str(error))
    if form.errors:
        return _version_page(request, version, failed=form)
    left = names.open_hits(version).count()
    messages.success(
        request,
        f"Marked as not a person. {plural(left, 'place')} left to check."
        if left
        else "Marked as not a person. Every place the check found has been dealt with.",
    )
    return redirect("reports:report_version", slug, version.review.pk, version.number)


def _dismiss_url(hit):
    review = hit.version.review
    return reverse("reports:report_hit_dismiss", args=[review.partnership.slug, review.pk, hit.version.number, hit.pk])


def _still_open(hit):
    hit.refresh_from_db(fields=["status"])
    return hit.status == NameHit.Status.OPEN and not documents.is_signed_off(hit.version.review)
