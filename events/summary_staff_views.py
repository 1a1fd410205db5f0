"""The confidential summary's versions, for the review's reviewers and the partnership's business managers.

Everyone else gets 404, as for the event itself. Opening a version is logged like any other read.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import audit, names
from core.downloads import pdf_response, safe_name
from core.errors import DomainError
from core.formatting import counted
from core.forms import NotAPersonForm, name_hits_context
from events import summary_documents
from events.models import SummaryNameHit, SummaryVersion
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


def _add_page(request, slug, event_id, *, form_class, template, field, argument, initial=None):
    event = event_for(request, slug, event_id)
    initial = initial(event) if initial else None
    form = form_class(_posted(request), request.FILES if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = summary_documents.add_version(
                event, created_by=request.user, request=request, **{argument: form.cleaned_data[field]}
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            found = names.open_hits(version).count()
            if found:
                messages.warning(
                    request,
                    f"Version {version.number} of the summary is saved. The check found {people_places(found)} "
                    "that may name someone: deal with each before it can be released.",
                )
            else:
                messages.success(
                    request, f"Version {version.number} of the summary is saved. It names nobody the review knows."
                )
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
        # A new version starts from the newest one's text, so an edit is an edit, not a rewrite.
        initial=lambda event: {"text": summary_documents.latest_text(event)},
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


def _dismiss_url(hit):
    event = hit.version.event
    return reverse(
        "events:summary_hit_dismiss", args=[event.review.partnership.slug, event.pk, hit.version.number, hit.pk]
    )


def _version_page(request, version, *, failed=None):
    """The version, numbered as the names check counts, with what the check found; `failed` is a bound
    "not a person" form that did not pass."""
    context = _context(
        request,
        version.event,
        body=summary_documents.numbered_html(version),
        form=failed,
        **name_hits_context(
            version,
            subject_word=version.event.review.subject_word,
            dismiss_url=_dismiss_url,
            editable=True,
            failed=failed,
        ),
    )
    return render(request, "events/summary/staff_version.html", context)


@never_cache
@login_required
def summary_version(request, slug, event_id, number):
    version = _version_for(request, slug, event_id, number)
    _record(request, "summary.version_viewed", version)
    return _version_page(request, version)


@never_cache
@login_required
@require_POST
def summary_hit_dismiss(request, slug, event_id, number, hit_id):
    """Mark a place the names check found as not a person, with the reason (audited)."""
    version = _version_for(request, slug, event_id, number)
    hit = get_object_or_404(SummaryNameHit, version=version, pk=hit_id)
    hit.version = version
    form = NotAPersonForm(request.POST, hit=hit, action=_dismiss_url(hit))
    if form.is_valid():
        try:
            summary_documents.mark_not_a_person(
                hit, reason=form.cleaned_data["reason"], by=request.user, request=request
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
    if form.errors:
        hit.refresh_from_db(fields=["status"])
        if hit.status != SummaryNameHit.Status.OPEN:
            messages.error(request, "This has already been marked as not a person.")
            return redirect("events:summary_version", slug, event_id, number)
        return _version_page(request, version, failed=form)
    left = names.open_hits(version).count()
    messages.success(
        request,
        f"Marked as not a person. {people_places(left)} left to check."
        if left
        else "Marked as not a person. Every place the check found has been dealt with.",
    )
    return redirect("events:summary_version", slug, event_id, number)


def people_places(count):
    return counted(count, "place")


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
