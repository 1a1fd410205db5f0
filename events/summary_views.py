"""The confidential summary: the business manager releases it; each accepted invitee reads their own copy."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core import links, reading
from core.downloads import csv_response, pdf_response, safe_name
from core.formatting import people, uk_datetime
from events import invitations, summary, summary_documents
from events.models import SummaryReader, SummaryRelease
from events.services import EventError
from events.summary_forms import ReleaseForm
from events.views import event_for

# The practitioner's side ----------------------------------------------------------------------


def _not_available(request, status):
    """The one page everyone without access sees, whatever the reason, so it tells nobody anything."""
    return render(request, "events/summary/reader_unavailable.html", status=status)


def _reader(request):
    """(invitation, reader) for this browser's link, or (invitation or None, None) without access."""
    invitation = links.granted(request, invitations.INVITATION_LINK)
    if invitation is None:
        return None, None
    request.partnership = invitation.event.review.partnership
    return invitation, summary.reader_for(invitation)


def with_reader(view):
    """For a page of the reader's summary: the view gets the reader; anyone without access the one refusal."""

    @wraps(view)
    @never_cache
    def wrapper(request, *args, **kwargs):
        invitation, reader = _reader(request)
        if reader is None and invitation is not None and summary.paused(invitation):
            return render(request, "events/summary/reader_paused.html", status=403)
        if reader is None:
            return _not_available(request, 403 if invitation is None else 404)
        return view(request, reader, *args, **kwargs)

    return wrapper


summary_terms = with_reader(reading.terms_view(summary.SUMMARY_TERMS))


@with_reader
@reading.guard(summary.SUMMARY_TERMS)
def summary_read(request, reader):
    from events.summary_documents import version_html

    summary.record_read(reader, request)
    return render(
        request,
        "events/summary/reader_read.html",
        summary.reader_context(reader) | {"body_html": version_html(reader.release.version), "now": timezone.now()},
    )


@with_reader
@reading.guard(summary.SUMMARY_TERMS)
def summary_download(request, reader):
    from events.summary_documents import render_reader_pdf

    invitation = reader.invitation
    pdf = render_reader_pdf(reader.release.version, reader_name=invitation.practitioner.full_name, when=timezone.now())
    summary.record_download(reader, request)
    reference = safe_name(invitation.event.review.reference) or "review"
    return pdf_response(pdf, f"confidential-summary-{reference}.pdf")


# The business manager's side ------------------------------------------------------------------


def _release_of(event):
    return SummaryRelease.objects.filter(event=event).select_related("version", "released_by").first()


@login_required
def summary_release(request, slug, event_id):
    event = event_for(request, slug, event_id, manage=True)
    release = _release_of(event)
    versions = list(summary_documents.versions_of(event))
    form = ReleaseForm(
        request.POST if request.method == "POST" else None, event=event, versions=versions, release=release
    )
    if request.method == "POST" and form.is_valid():
        try:
            release, readers = summary.release_summary(
                event,
                version=form.cleaned_data["version"],
                available_from=form.cleaned_data["available_from"],
                released_by=request.user,
                request=request,
            )
        except EventError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            if readers:
                messages.success(
                    request,
                    _released_message(len(readers)),
                )
            else:
                messages.success(request, "The summary is released. Everyone attending already had access.")
            return redirect("events:summary_readers", slug, event.pk)
    return render(
        request,
        "events/summary/release.html",
        {
            "partnership": request.partnership,
            "event": event,
            "review": event.review,
            "release": release,
            "form": form,
            "has_versions": bool(versions),
            "versions": form.versions,
            "closes_at": summary.closes_at_for(event),
        },
    )


@login_required
def summary_readers(request, slug, event_id):
    event = event_for(request, slug, event_id, manage=True)
    release = _release_of(event)
    if release is None:
        return redirect("events:summary_release", slug, event.pk)
    readers = list(summary.readers_of(release))
    now = timezone.now()
    return render(
        request,
        "events/summary/release_readers.html",
        {
            "partnership": request.partnership,
            "event": event,
            "review": event.review,
            "release": release,
            "readers": readers,
            "read": sum(1 for reader in readers if reader.first_read_at),
            "waiting": list(summary.accepted_without_access(release)),
            "is_open": release.available_from <= now < release.closes_at,
            "is_closed": now >= release.closes_at,
        },
    )


@login_required
@require_POST
def summary_remind(request, slug, event_id):
    event = event_for(request, slug, event_id, manage=True)
    release = get_object_or_404(SummaryRelease, event=event)
    try:
        sent = summary.remind_unread(release, reminded_by=request.user, request=request)
    except EventError as error:
        messages.error(request, str(error))
    else:
        if sent:
            messages.success(request, f"Reminders are on their way to {people(sent)}.")
        else:
            messages.info(request, "Nobody was reminded: everyone has read it, or was already reminded today.")
    return redirect("events:summary_readers", slug, event.pk)


@login_required
@require_POST
def summary_withdraw(request, slug, event_id, reader_id):
    event = event_for(request, slug, event_id, manage=True)
    reader = get_object_or_404(
        SummaryReader.objects.select_related("release__event__review__partnership", "invitation__practitioner"),
        pk=reader_id,
        release__event=event,
    )
    if summary.withdraw_access(reader, withdrawn_by=request.user, request=request):
        messages.success(request, f"{reader.invitation.practitioner.full_name} can no longer read the summary.")
    else:
        messages.info(request, f"{reader.invitation.practitioner.full_name}'s access was already withdrawn.")
    return redirect("events:summary_readers", slug, event.pk)


def _released_message(count):
    verb = "has" if count == 1 else "have"
    return f"The summary is released. {people(count)} now {verb} access and {verb} been emailed a link."


READ_LOG_HEADER = ["Name", "Agency", "Version", "What", "When (UK time)"]


@never_cache
@login_required
@require_GET
def summary_readers_csv(request, slug, event_id):
    """The summary's read log as CSV: who accepted the terms, read or downloaded which version, and when."""
    event = event_for(request, slug, event_id, manage=True)
    release = _release_of(event)
    if release is None:
        return redirect("events:summary_release", slug, event.pk)
    release.event = event
    log = summary.read_log(release)
    rows = [
        (
            reader.invitation.practitioner.full_name,
            reader.invitation.practitioner.agency or "",
            number or "",
            what,
            uk_datetime(when, seconds=True),
        )
        for reader, number, what, when in log
    ]
    summary.record_readers_export(release, by=request.user, rows=len(rows), request=request)
    reference = safe_name(event.review.reference) or "event"
    return csv_response(f"summary-read-log-{reference}-event-{event.pk}.csv", READ_LOG_HEADER, rows)
