"""State changes for reviews: commissioning, editing, the stages of their lifecycle; one function each, audited."""

from django.db import transaction
from django.utils import timezone

from core import audit
from core.errors import DomainError
from partnerships.services import lock_partnership
from reviews.models import LearningTheme, Review, ReviewStatusChange

REVIEW_FIELDS = (
    "review_type",
    "reference",
    "pseudonym",
    "scope_start",
    "scope_end",
    "incident_notified_on",
    "rapid_review_sent_on",
    "referral_decided_on",
    "commissioned_on",
    "target_completion_on",
)


def _check_reference_free(partnership, reference, exclude=None):
    clash = Review.objects.filter(partnership=partnership, reference__iexact=reference)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise DomainError("Another review of this partnership already has this reference.", field="reference")


def _save_themes(review, titles):
    existing = {theme.title: theme for theme in review.learning_themes.all()}
    for position, title in enumerate(titles):
        theme = existing.pop(title, None)
        if theme is None:
            LearningTheme.objects.create(review=review, title=title, position=position)
        elif theme.position != position:
            theme.position = position
            theme.save(update_fields=["position"])
    # Themes already chosen for an event stay, so an event never loses what it explores.
    for theme in existing.values():
        if not theme.events.exists():
            theme.delete()


def create_review(*, partnership, data, created_by, request=None):
    """Commission a review: it starts in scoping, and its first timeline entry says who and when."""
    with transaction.atomic():
        lock_partnership(partnership.pk)
        _check_reference_free(partnership, data["reference"])
        review = Review(
            partnership=partnership,
            created_by=created_by,
            **{field: data.get(field) for field in REVIEW_FIELDS},
        )
        review.set_subject_name(data.get("subject_name", ""))
        review.save()
        review.reviewers.set(data["reviewers"])
        _save_themes(review, data["theme_titles"])
        ReviewStatusChange.objects.create(review=review, to_status=review.status, changed_by=created_by)
        audit.record("review.created", request=request, actor=created_by, partnership=partnership, obj=review)
    return review


def update_review(*, review, data, changed_by, request=None):
    with transaction.atomic():
        lock_partnership(review.partnership_id)
        review = Review.objects.select_for_update().get(pk=review.pk)
        _check_reference_free(review.partnership, data["reference"], exclude=review)
        # The dates of the review's start are recorded on its timeline page: a field not given is kept.
        for field in REVIEW_FIELDS:
            if field in data:
                setattr(review, field, data[field])
        if data.get("subject_name") is not None:
            review.set_subject_name(data["subject_name"])
        review.save()
        review.reviewers.set(data["reviewers"])
        _save_themes(review, data["theme_titles"])
        audit.record("review.updated", request=request, actor=changed_by, partnership=review.partnership, obj=review)
    return review


# What the timeline page records, for each type of review (see reviews.timeline).
TIMELINE_FIELDS = {
    Review.Type.CSPR: (
        "became_aware_on",
        "incident_notified_on",
        "rapid_review_meeting_on",
        "rapid_review_sent_on",
        "rapid_review_outcome",
        "decision_reason",
        "event_recommended_by",
        "event_recommended_on",
        "final_report_sent_on",
        "final_report_sent_to",
    ),
    Review.Type.SAR: (
        "incident_notified_on",
        "referral_decision",
        "referral_decided_on",
        "decision_reason",
        "event_recommended_by",
        "event_recommended_on",
        "final_report_sent_on",
        "final_report_sent_to",
    ),
}


def record_timeline(*, review, data, recorded_by, request=None):
    """Record the dates and decisions of the review's start, its event and the final report's sending.

    Only the fields given change; the audit entry names those that did.
    """
    from reviews.timeline import timeline_problems

    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("partnership").get(pk=review.pk)
        fields = TIMELINE_FIELDS[review.review_type]
        values = {field: getattr(review, field) for field in fields}
        values.update({field: data[field] for field in fields if field in data})
        values = {field: value.strip() if isinstance(value, str) else value for field, value in values.items()}
        problems = timeline_problems(values, review_type=review.review_type, today=timezone.localdate())
        if problems:
            field, message = problems[0]
            raise DomainError(message, field=field)
        changed = sorted(field for field in fields if values[field] != getattr(review, field))
        if not changed:
            return review
        for field in changed:
            setattr(review, field, values[field])
        review.save(update_fields=changed)
        audit.record(
            "review.timeline_recorded",
            request=request,
            actor=recorded_by,
            partnership=review.partnership,
            obj=review,
            fields=changed,
        )
    return review


# These stages are reached by recording what happened (the sign-off, the publication), not by the stage button.
RECORDED_STAGES = {Review.Status.SIGNED_OFF: "Record the sign-off", Review.Status.PUBLISHED: "Publish the report"}


def advance_status(*, review, to_status, changed_by, request=None):
    """Move a review one step along its lifecycle; any other move is refused."""
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.next_status() != to_status:
            raise DomainError(
                f"A review at “{review.get_status_display()}” can only move to the next stage, one step at a time."
            )
        if to_status in RECORDED_STAGES:
            raise DomainError(
                f"“{Review.Status(to_status).label}” is reached from the draft report page: "
                f"{RECORDED_STAGES[to_status].lower()} there."
            )
        move_forward(review, to_status, changed_by=changed_by, request=request)
    return review


def move_forward(review, to_status, *, changed_by, request=None):
    """Move a review, locked by the caller, forward to `to_status` however many stages that is; never backwards.

    For what the review's own records decide (a draft uploaded or circulated, a sign-off, a publication).
    Returns whether it moved.
    """
    order = list(Review.Status)
    if order.index(review.status) >= order.index(to_status):
        return False
    previous = review.status
    review.status = to_status
    review.save(update_fields=["status"])
    ReviewStatusChange.objects.create(review=review, from_status=previous, to_status=to_status, changed_by=changed_by)
    audit.record(
        "review.status_changed",
        request=request,
        actor=changed_by,
        partnership=review.partnership,
        obj=review,
        previous=previous,
        status=to_status,
    )
    return True


def reveal_subject_name(*, review, viewer, request=None):
    """The real name, for a business manager who asked for it; every look is audited."""
    audit.record("review.real_name_viewed", request=request, actor=viewer, partnership=review.partnership, obj=review)
    return review.subject_name
