"""The register on the day, thank-you emails, and feedback: the business manager's pages and the attendee's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import audit
from core.downloads import pdf_response, safe_name
from core.formatting import people, people_have
from events import attendance
from events.attendance_forms import AttendanceForm, FeedbackForm
from events.invitation_views import with_invitation
from events.services import EventError
from events.views import event_for


@login_required
def attendance_register(request, slug, event_id):
    event = event_for(request, slug, event_id, manage=True)
    expected, others = attendance.register_rows(event)
    form = AttendanceForm(request.POST or None, invitations=expected + others)
    if request.method == "POST" and form.is_valid():
        try:
            result = attendance.record_attendance(event, form.marks(), recorded_by=request.user, request=request)
        except EventError as error:
            messages.error(request, str(error))
        else:
            if result.moved_to_held:
                messages.success(request, "Attendance is saved, and the event is now recorded as held.")
            else:
                messages.success(request, "Attendance is saved.")
        return redirect("events:attendance_register", slug, event.pk)
    counts = attendance.attendance_counts(event)
    return render(
        request,
        "events/attendance/register.html",
        {
            "partnership": request.partnership,
            "event": event,
            "review": event.review,
            "form": form,
            "expected": form.rows(expected),
            "others": form.rows(others),
            "attended": counts["attended"] + counts["with_manager"],
            "counts": counts,
            "has_started": event.starts_at <= timezone.now(),
        },
    )


@login_required
def attendance_register_pdf(request, slug, event_id):
    """The register to print or keep; it names people, so each download is logged."""
    event = event_for(request, slug, event_id, manage=True)
    pdf = attendance.render_register(event)
    audit.record("event.register_downloaded", request=request, partnership=request.partnership, obj=event)
    day = timezone.localtime(event.starts_at).date()
    return pdf_response(pdf, f"attendance-register-{safe_name(event.review.reference) or 'event'}-{day:%Y-%m-%d}.pdf")


@login_required
@require_POST
def thank_you_send(request, slug, event_id):
    event = event_for(request, slug, event_id, manage=True)
    try:
        result = attendance.send_thank_yous(event, sent_by=request.user, request=request)
    except EventError as error:
        messages.error(request, str(error))
        return redirect("events:attendance_register", slug, event.pk)
    if result.sent:
        messages.success(request, f"Thank-you emails are on their way to {people(result.sent)}.")
    elif result.already_sent:
        messages.info(request, "Everyone recorded as attending has already been sent a thank-you email.")
    else:
        messages.info(request, "Nobody is recorded as attending yet, so no thank-you emails were sent.")
    if result.without_email:
        messages.warning(request, f"{people_have(result.without_email)} no email address, so were not sent one.")
    return redirect("events:attendance_register", slug, event.pk)


@login_required
def feedback_summary(request, slug, event_id):
    event = event_for(request, slug, event_id, manage=True)
    counts = attendance.attendance_counts(event)
    return render(
        request,
        "events/attendance/feedback_summary.html",
        {
            "partnership": request.partnership,
            "event": event,
            "review": event.review,
            "summary": attendance.feedback_summary(event),
            "attended": counts["attended"] + counts["with_manager"],
        },
    )


@with_invitation
def invitation_feedback(request, invitation):
    event = invitation.event
    review = event.review
    context = {"invitation": invitation, "event": event, "review": review, "partnership": review.partnership}
    if invitation.attendance not in attendance.PRESENT or event.is_cancelled:
        return render(
            request, "events/attendance/feedback_closed.html", context | {"reason": "not_attended"}, status=403
        )
    if attendance.feedback_given(invitation):
        return render(request, "events/attendance/feedback_closed.html", context | {"reason": "given"})
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            attendance.give_feedback(invitation, **form.cleaned_data, request=request)
        except EventError as error:
            messages.error(request, str(error))
        return redirect("invitation:feedback")
    return render(request, "events/attendance/feedback.html", context | {"form": form})
