"""The confidential summary's versions, for the review's reviewers and the partnership's business managers.

Everyone else gets 404, as for the event itself. Opening a version is logged like any other read.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from core import audit
from core.downloads import pdf_response, safe_name
from core.errors import DomainError
from events import summary_documents
from events.models import SummaryVersion
from events.summary_staff_forms import SummaryTextForm, SummaryUploadForm
from events.views import event_for


def _posted(request):
    return request.POST if request.method == "POST" else None


def _version_for(request, slug, event_id, number):
    event = event_for(request, slug, event_id)
    version = get_object_or_404(SummaryVersion.objects.select_related("created_by"), event=event, number=number)
    version.event = event
    return version


def _filename(version, extension):
    reference = safe_name(version.event.review.reference) or "event"
    return f"confidential-summary-{reference}-v{version.number}.{extension}"


def _record(request, action, version):
    audit.record(
        action,
        request=request,
        partnership=request.partnership,
        obj=version,
        event_id=version.event_id,
        number=version.number,
    )


def _context(request, event, **extra):
    return {"partnership": request.partnership, "review": event.review, "event": event, **extra}


@never_cache
@login_required
def summary_versions(request, slug, event_id):
    event = event_for(request, slug, event_id)
    versions = summary_documents.versions_of(event)
    return render(request, "events/summary/staff_versions.html", _context(request, event, versions=versions))


def _add_page(request, slug, event_id, *, form_class, template, field, argument):
    event = event_for(request, slug, event_id)
    form = form_class(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            version = summary_documents.add_version(
                event, created_by=request.user, request=request, **{argument: form.cleaned_data[field]}
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, f"Version {version.number} of the summary is saved.")
            return redirect("events:summary_version", slug, event.pk, version.number)
    return render(request, template, _context(request, event, form=form))


@never_cache
@login_required
def summary_write(request, slug, event_id):
    return _add_page(
        request,
        slug,
        event_id,
        form_class=SummaryTextForm,
        template="events/summary/staff_write.html",
        field="text",
        argument="text",
    )


@never_cache
@login_required
def summary_upload(request, slug, event_id):
    return _add_page(
        request,
        slug,
        event_id,
        form_class=SummaryUploadForm,
        template="events/summary/staff_upload.html",
        field="file",
        argument="upload",
    )


@never_cache
@login_required
def summary_version(request, slug, event_id, number):
    version = _version_for(request, slug, event_id, number)
    _record(request, "summary.version_viewed", version)
    context = _context(request, version.event, version=version, body=summary_documents.version_html(version))
    return render(request, "events/summary/staff_version.html", context)


@never_cache
@login_required
def summary_version_file(request, slug, event_id, number):
    """An uploaded PDF as it was uploaded, as an attachment the browser must not run or sniff."""
    version = _version_for(request, slug, event_id, number)
    if version.source != SummaryVersion.Source.PDF:
        return redirect("events:summary_version", slug, event_id, number)
    with version.file.open("rb") as stored:
        response = pdf_response(stored.read(), _filename(version, "pdf"))
    _record(request, "summary.version_downloaded", version)
    return response


@never_cache
@login_required
def summary_version_pdf(request, slug, event_id, number):
    """The version as readers get it, stamped with the signed-in person's name: to check how it looks."""
    version = _version_for(request, slug, event_id, number)
    reader_name = request.user.full_name or request.user.email
    pdf = summary_documents.render_reader_pdf(version, reader_name=reader_name, when=timezone.now())
    response = pdf_response(pdf, _filename(version, "pdf").replace(".pdf", "-stamped.pdf"))
    _record(request, "summary.version_stamped_downloaded", version)
    return response
