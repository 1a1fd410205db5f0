"""Agency nominations: a safeguarding lead names the key staff for a review, by a personal link."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import audit, links
from core.errors import DomainError
from core.reminders import working_day_window
from core.workdays import subtract_working_days
from notifications.services import not_yet_queued, queue_email, render_email
from practitioners.models import Nomination, NominationRequest
from reviews.models import Review

LINK_LIFETIME_AFTER_DEADLINE = timedelta(days=60)


def _link_expiry(deadline):
    end_of_deadline = timezone.make_aware(datetime.combine(deadline, time(23, 59)))
    return end_of_deadline + LINK_LIFETIME_AFTER_DEADLINE


def request_context(nomination_request, link, *, chase):
    """What the request email (and its sample) is rendered with."""
    review = nomination_request.review
    return {
        "partnership": review.partnership,
        "review": review,
        "agency": nomination_request.agency,
        "request": nomination_request,
        "link": link,
        "chase": chase,
    }


def _email_request(nomination_request, token, *, chase, key=None):
    review = nomination_request.review
    link = settings.SITE_URL + reverse("nomination:start", args=[token])
    context = request_context(nomination_request, link, chase=chase)
    subject, text, html = render_email("practitioners/emails/nomination_request", context)
    sequence = nomination_request.chase_count if chase else 0
    key = key or f"nomination_request:{nomination_request.pk}:{sequence}"
    queue_email(
        kind="nomination_chase" if chase else "nomination_request",
        recipient=nomination_request.agency.lead_email,
        subject=subject,
        body_text=text,
        body_html=html,
        partnership=review.partnership,
        about=nomination_request,
        idempotency_key=key,
    )


def request_nominations(*, review, agencies, deadline, requested_by, request=None):
    """Ask each agency's safeguarding lead for names; an agency already asked is left as it is."""
    if deadline < timezone.localdate():
        raise DomainError("The date for nominations must be today or later.")
    created = []
    with transaction.atomic():
        # A double click waits here, then finds every agency already asked.
        Review.objects.select_for_update().filter(pk=review.pk).first()
        asked = set(review.nomination_requests.values_list("agency_id", flat=True))
        for agency in agencies:
            if agency.pk in asked:
                continue
            if not agency.lead_email:
                raise DomainError(f"{agency} has no safeguarding lead email address. Add one on the agency's page.")
            nomination_request = NominationRequest.objects.create(
                review=review, agency=agency, deadline=deadline, requested_by=requested_by
            )
            token = links.issue(
                nomination_request, expires_at=_link_expiry(deadline), request=request, actor=requested_by
            )
            _email_request(nomination_request, token, chase=False)
            created.append(nomination_request)
        audit.record(
            "nominations.requested",
            request=request,
            actor=requested_by,
            partnership=review.partnership,
            obj=review,
            agencies=[r.agency_id for r in created],
        )
    return created


def chase(*, nomination_request, chased_by, request=None):
    """Remind an agency that has not replied. The email carries a new link; the old one stops working."""
    with transaction.atomic():
        nomination_request = NominationRequest.objects.select_for_update().get(pk=nomination_request.pk)
        if nomination_request.completed_at:
            raise DomainError(f"{nomination_request.agency} has already told us its nominations are complete.")
        nomination_request.chase_count += 1
        nomination_request.last_chased_at = timezone.now()
        nomination_request.save(update_fields=["chase_count", "last_chased_at"])
        token = links.issue(
            nomination_request,
            expires_at=max(
                nomination_request.token_expires_at,
                _link_expiry(max(nomination_request.deadline, timezone.localdate())),
            ),
            request=request,
            actor=chased_by,
            action="nominations.chased",
            link_rotated=True,
        )
        _email_request(nomination_request, token, chase=True)
    return nomination_request


def remind(*, nomination_request, key):
    """The sweep's reminder: like a chase, with a new link, sent once under the sweep's key."""
    nomination_request = NominationRequest.objects.select_for_update().get(pk=nomination_request.pk)
    nomination_request.chase_count += 1
    nomination_request.last_chased_at = timezone.now()
    nomination_request.save(update_fields=["chase_count", "last_chased_at"])
    token = links.issue(
        nomination_request,
        expires_at=nomination_request.token_expires_at,
        actor_label="reminder sweep",
        action="nominations.reminded",
        link_rotated=True,
    )
    _email_request(nomination_request, token, chase=True, key=key)


NOMINATION_LINK = links.LinkKind(
    queryset=NominationRequest.objects.select_related("review__partnership", "agency"),
    start_template="practitioners/nomination_start.html",
    unavailable_template="core/link_unavailable.html",
    landing="nomination:page",
    context=lambda nomination_request: {"nomination_request": nomination_request},
    holder_label=lambda nomination_request: f"safeguarding lead, {nomination_request.agency}",
)


def add_nomination(*, nomination_request, data, request=None):
    with transaction.atomic():
        nomination_request = NominationRequest.objects.select_for_update().get(pk=nomination_request.pk)
        if not nomination_request.link_works():
            raise DomainError("This link has closed. Contact the partnership to add anyone else.")
        email = data["email"].strip().lower()
        if nomination_request.nominations.filter(email=email).exists():
            raise DomainError(f"You have already nominated someone with the email address {email}.")
        nomination = Nomination.objects.create(request=nomination_request, **(data | {"email": email}))
        audit.record(
            "nomination.added",
            request=request,
            actor_label=f"safeguarding lead, {nomination_request.agency}",
            partnership=nomination_request.review.partnership,
            obj=nomination,
        )
    return nomination


def withdraw_nomination(*, nomination, request=None):
    with transaction.atomic():
        nomination = (
            Nomination.objects.select_for_update().select_related("request__review__partnership").get(pk=nomination.pk)
        )
        if nomination.status != Nomination.Status.PENDING:
            raise DomainError(f"{nomination.full_name} is already on the partnership's list. Contact the partnership.")
        audit.record(
            "nomination.withdrawn",
            request=request,
            actor_label=f"safeguarding lead, {nomination.request.agency}",
            partnership=nomination.request.review.partnership,
            obj=nomination,
        )
        nomination.delete()


def mark_complete(*, nomination_request, request=None):
    with transaction.atomic():
        nomination_request = NominationRequest.objects.select_for_update().get(pk=nomination_request.pk)
        if not nomination_request.nominations.exists():
            raise DomainError("Add at least one person before you tell us you have finished.")
        nomination_request.completed_at = timezone.now()
        nomination_request.save(update_fields=["completed_at"])
        audit.record(
            "nominations.completed",
            request=request,
            actor_label=f"safeguarding lead, {nomination_request.agency}",
            partnership=nomination_request.review.partnership,
            obj=nomination_request,
        )
    return nomination_request


def accept_into_directory(*, review, nominations, accepted_by, request=None):
    """Put nominated people into the partnership's directory (once each); returns them, in order.

    Runs inside the caller's transaction: the caller audits what the whole step did.
    """
    from practitioners.services import find_or_create_practitioner

    accepted = []
    for nomination in nominations:
        if nomination.request.review_id != review.pk:
            raise DomainError("A nomination belongs to another review.")
        practitioner = nomination.practitioner
        if practitioner is None:
            practitioner, _ = find_or_create_practitioner(
                review.partnership,
                full_name=nomination.full_name,
                job_title=nomination.job_title,
                agency=nomination.request.agency,
                email=nomination.email,
                phone=nomination.phone,
                line_manager_name=nomination.line_manager_name,
                line_manager_email=nomination.line_manager_email,
                added_by=accepted_by,
                request=request,
            )
            nomination.practitioner = practitioner
            nomination.status = Nomination.Status.ACCEPTED
            nomination.save(update_fields=["practitioner", "status"])
        accepted.append(practitioner)
    return accepted


def nomination_reminders(now):
    """Agencies that have named nobody, from N working days before the date they were asked for."""
    today = timezone.localdate(now)
    window = working_day_window("nomination_reminder_working_days", "deadline", today)
    if window is None:
        return 0
    waiting = (
        NominationRequest.objects.filter(
            completed_at__isnull=True, nominations__isnull=True, token_revoked_at__isnull=True, deadline__gte=today
        )
        .filter(window)
        .exclude(review__status__in=["published", "closed"])
        .select_related("review__partnership", "agency")
    )
    due = {}
    for nomination_request in waiting:
        days = nomination_request.review.partnership.nomination_reminder_working_days
        if days and today >= subtract_working_days(nomination_request.deadline, days):
            due[f"reminder:nomination:{nomination_request.pk}:{nomination_request.deadline:%Y%m%d}"] = (
                nomination_request
            )
    for key in not_yet_queued(list(due)):
        remind(nomination_request=due[key], key=key)
    return len(due)


def run_reminders(now=None):
    """One pass of the nominations' reminder sweep, in its own transaction."""
    with transaction.atomic():
        return nomination_reminders(now or timezone.now())
