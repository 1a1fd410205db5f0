"""After the invitations: the register on the day, thank-you emails, and attendees' anonymous feedback."""

import secrets
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.models import AuditEntry
from core.pdfs import render_pdf
from events.factsheets import event_place
from events.invitations import rotate_link
from events.models import Attendance, Event, FeedbackResponse, Invitation
from events.services import EventError
from notifications.models import OutboundMessage
from notifications.services import queue_email, render_email

QUESTIONS = {
    "safe_space": "Did the event feel like a safe space?",
    "felt_heard": "Did you feel heard?",
}
PRESENT = (Attendance.ATTENDED, Attendance.WITH_MANAGER)
# Invitees who may turn up although they did not say so: worth a row on the register.
MAYBE = (Invitation.Status.INVITED, Invitation.Status.DECLINED)


@dataclass(frozen=True)
class Recorded:
    changed: int
    moved_to_held: bool


@dataclass(frozen=True)
class ThankYous:
    sent: int
    already_sent: int
    without_email: int


def register_rows(event):
    """Those expected (accepted), and those who did not reply or declined, in name order."""
    rows = list(
        event.invitations.filter(status__in=[Invitation.Status.ACCEPTED, *MAYBE])
        .select_related("practitioner__agency")
        .order_by("practitioner__full_name", "id")
    )
    return (
        [i for i in rows if i.status == Invitation.Status.ACCEPTED],
        [i for i in rows if i.status != Invitation.Status.ACCEPTED],
    )


def attendance_counts(event):
    counts = Counter(event.invitations.exclude(attendance="").values_list("attendance", flat=True))
    return {value: counts.get(value, 0) for value in Attendance.values}


def record_attendance(event, marks, *, recorded_by, request=None):
    """Record who came, from {invitation id: Attendance value}; an event that has started becomes held."""
    with transaction.atomic():
        locked = Event.objects.select_for_update(of=("self",)).select_related("review__partnership").get(pk=event.pk)
        if locked.is_cancelled:
            raise EventError("This event was cancelled, so attendance cannot be recorded.")
        if any(value not in Attendance.values for value in marks.values()):
            raise EventError("Choose attended, attended with their manager, or did not attend.")
        invitations = {
            i.pk: i
            for i in locked.invitations.select_for_update().filter(
                pk__in=marks, status__in=[Invitation.Status.ACCEPTED, *MAYBE]
            )
        }
        if len(invitations) != len(marks):
            raise EventError("Someone on the form is no longer on this event's list. Reload the page and try again.")
        now = timezone.now()
        changed = [i for pk, i in invitations.items() if i.attendance != marks[pk]]
        for invitation in changed:
            invitation.attendance = marks[invitation.pk]
            invitation.attendance_recorded_at = now
        Invitation.objects.bulk_update(changed, ["attendance", "attendance_recorded_at"])
        moved = locked.starts_at <= now and locked.status != Event.Status.HELD
        if moved:
            locked.status = Event.Status.HELD
            locked.save(update_fields=["status"])
        audit.record(
            "attendance.recorded",
            request=request,
            actor=recorded_by,
            partnership=locked.review.partnership,
            obj=locked,
            changed=len(changed),
            **attendance_counts(locked),
        )
    return Recorded(changed=len(changed), moved_to_held=moved)


def render_register(event):
    """The attendance register as an A4 tagged PDF: everyone on it, with what was recorded."""
    expected, others = register_rows(event)
    review = event.review
    context = {
        "event": event,
        "review": review,
        "partnership": review.partnership,
        "place": event_place(event),
        "expected": expected,
        "others": others,
        "attended": sum(1 for i in expected + others if i.attendance in PRESENT),
    }
    return render_pdf("events/pdfs/register.html", context)


def thank_you_key(invitation):
    return f"thank-you:{invitation.pk}"


def send_thank_yous(event, *, sent_by, request=None):
    """Thank everyone marked as present, once each, with a fresh personal link to the feedback form."""
    with transaction.atomic():
        locked = Event.objects.select_for_update(of=("self",)).select_related("review__partnership").get(pk=event.pk)
        if locked.is_cancelled:
            raise EventError("This event was cancelled, so there is nobody to thank.")
        if locked.starts_at > timezone.now():
            raise EventError("Thank-you emails can be sent once the event has taken place.")
        present = list(
            locked.invitations.select_for_update(of=("self",))
            .filter(attendance__in=PRESENT)
            .select_related("practitioner")
        )
        done = set(
            OutboundMessage.objects.filter(idempotency_key__in=[thank_you_key(i) for i in present]).values_list(
                "idempotency_key", flat=True
            )
        )
        sent = already = without_email = 0
        for invitation in present:
            if thank_you_key(invitation) in done:
                already += 1
                continue
            if not invitation.practitioner.email:
                without_email += 1
                continue
            invitation.event = locked
            token = rotate_link(invitation, actor=sent_by, request=request, reason="thank-you email")
            _email_thank_you(invitation, token)
            sent += 1
        audit.record(
            "thank_you.sent",
            request=request,
            actor=sent_by,
            partnership=locked.review.partnership,
            obj=locked,
            count=sent,
            already_sent=already,
            without_email=without_email,
        )
    return ThankYous(sent=sent, already_sent=already, without_email=without_email)


def thank_you_context(invitation, link):
    """What the thank-you email (and its sample) is rendered with."""
    event = invitation.event
    return {
        "partnership": event.review.partnership,
        "review": event.review,
        "event": event,
        "practitioner": invitation.practitioner,
        "link": link,
    }


def _email_thank_you(invitation, token):
    review = invitation.event.review
    link = settings.SITE_URL + reverse("invitation:start", args=[token])
    subject, text, html = render_email("events/emails/thank_you", thank_you_context(invitation, link))
    return queue_email(
        kind="thank_you",
        recipient=invitation.practitioner.email,
        subject=subject,
        body_text=text,
        body_html=html,
        partnership=review.partnership,
        about=invitation,
        idempotency_key=thank_you_key(invitation),
    )


def feedback_given(invitation):
    return AuditEntry.objects.filter(
        action="feedback.given", object_type=Invitation._meta.label, object_id=str(invitation.pk)
    ).exists()


def can_give_feedback(invitation):
    return invitation.attendance in PRESENT and not invitation.event.is_cancelled and not feedback_given(invitation)


def _untraceable_id():
    """A random primary key, so the order of the rows cannot be matched to the order of the audit entries."""
    return 2**40 + secrets.randbelow(2**61)


def give_feedback(invitation, *, safe_space, felt_heard, what_would_help="", request=None):
    """Store an attendee's answers with no link to them; the audit log only notes that they answered."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("event__review__partnership")
            .get(pk=invitation.pk)
        )
        if invitation.attendance not in PRESENT:
            raise EventError("Only people recorded as attending the event can give feedback on it.")
        if invitation.event.is_cancelled:
            raise EventError("This event was cancelled.")
        if feedback_given(invitation):
            raise EventError("You have already given your feedback on this event. Thank you.")
        FeedbackResponse.objects.create(
            pk=_untraceable_id(),
            event=invitation.event,
            safe_space=safe_space,
            felt_heard=felt_heard,
            what_would_help=what_would_help.strip(),
        )
        audit.record(
            "feedback.given",
            request=request,
            actor_label="invitee",
            partnership=invitation.event.review.partnership,
            obj=invitation,
        )
    return invitation


def feedback_summary(event):
    """Counts per answer and the suggestions, shuffled so nothing lines up with the register."""
    responses = list(event.feedback.values_list("safe_space", "felt_heard", "what_would_help"))
    questions = []
    for index, label in enumerate(QUESTIONS.values()):
        counts = Counter(row[index] for row in responses)
        questions.append(
            {
                "label": label,
                "counts": [(label, counts.get(value, 0)) for value, label in FeedbackResponse.Answer.choices],
            }
        )
    suggestions = [row[2] for row in responses if row[2].strip()]
    secrets.SystemRandom().shuffle(suggestions)
    return {"total": len(responses), "questions": questions, "suggestions": suggestions}
