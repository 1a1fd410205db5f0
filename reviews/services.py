"""State changes for partnerships and their staff: one function each, audited."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from notifications.services import queue_email, render_email
from reviews import audit
from reviews.models import LearningTheme, Membership, Partnership, Review, ReviewStatusChange, User

REVIEW_FIELDS = (
    "review_type",
    "reference",
    "pseudonym",
    "scope_start",
    "scope_end",
    "incident_notified_on",
    "commissioned_on",
    "target_completion_on",
)


class DomainError(Exception):
    """A move the rules do not allow; its message is shown to the user, next to `field` if given."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


def set_password_url(user):
    """A one-time link to allauth's set-password page (the same one "forgotten password" uses)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return settings.SITE_URL + path


def add_staff_member(*, partnership, email, full_name, role, added_by, request=None):
    """Add someone to a partnership's staff; a new account gets an emailed link to set its password."""
    email = email.strip().lower()
    with transaction.atomic():
        _lock_partnership(partnership.pk)
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name.strip()})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if Membership.objects.filter(user=user, partnership=partnership).exists():
            raise DomainError(f"{email} is already a member of staff at {partnership.name}.")
        membership = Membership.objects.create(user=user, partnership=partnership, role=role, added_by=added_by)
        audit.record("staff.added", request=request, actor=added_by, partnership=partnership, obj=membership, role=role)
        context = {
            "partnership": partnership,
            "user": user,
            "added_by": added_by,
            "role": membership.get_role_display(),
            "new_account": created,
            "set_password_url": set_password_url(user) if created else None,
            "sign_in_url": settings.SITE_URL + reverse("account_login"),
        }
        subject, text, html = render_email("staff_added", context)
        queue_email(
            kind="staff_added",
            recipient=user.email,
            subject=subject,
            body_text=text,
            body_html=html,
            partnership=partnership,
            idempotency_key=f"staff_added:{membership.pk}",
        )
    return membership


def change_role(*, membership, role, changed_by, request=None):
    with transaction.atomic():
        _lock_partnership(membership.partnership_id)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.role == role:
            return membership
        if membership.role == Membership.Role.BUSINESS_MANAGER:
            _keep_one_business_manager(membership)
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit.record(
            "staff.role_changed",
            request=request,
            actor=changed_by,
            partnership=membership.partnership,
            obj=membership,
            previous=previous,
            role=role,
        )
    return membership


def remove_staff_member(*, membership, removed_by, request=None):
    """Take someone off a partnership's staff, and off its reviews and the chair of its events."""
    from events.models import Event

    with transaction.atomic():
        _lock_partnership(membership.partnership_id)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.role == Membership.Role.BUSINESS_MANAGER:
            _keep_one_business_manager(membership)
        partnership_reviews = Review.objects.filter(partnership_id=membership.partnership_id)
        for review in partnership_reviews.filter(reviewers=membership.user):
            review.reviewers.remove(membership.user)
        Event.objects.filter(review__in=partnership_reviews, chair=membership.user).update(chair=None)
        audit.record(
            "staff.removed",
            request=request,
            actor=removed_by,
            partnership=membership.partnership,
            obj=membership,
            email=membership.user.email,
        )
        membership.delete()


def _check_reference_free(partnership, reference, exclude=None):
    clash = Review.objects.filter(partnership=partnership, reference__iexact=reference)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise DomainError("Another review of this partnership already has this reference.", field="reference")


def _lock_partnership(partnership_id):
    """Staff changes of one partnership take turns, so two managers cannot demote each other at once."""
    Partnership.objects.select_for_update().filter(pk=partnership_id).first()


def _keep_one_business_manager(membership):
    others = (
        Membership.objects.select_for_update()
        .business_managers()
        .filter(partnership=membership.partnership)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise DomainError("A partnership needs at least one business manager. Add another one first.")


def update_partnership(*, partnership, changed_by, fields, request=None):
    with transaction.atomic():
        partnership.save()
        audit.record(
            "partnership.updated",
            request=request,
            actor=changed_by,
            partnership=partnership,
            obj=partnership,
            fields=sorted(fields),
        )
    return partnership


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
        _lock_partnership(partnership.pk)
        _check_reference_free(partnership, data["reference"])
        review = Review(
            partnership=partnership,
            created_by=created_by,
            **{field: data[field] for field in REVIEW_FIELDS},
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
        _lock_partnership(review.partnership_id)
        review = Review.objects.select_for_update().get(pk=review.pk)
        _check_reference_free(review.partnership, data["reference"], exclude=review)
        for field in REVIEW_FIELDS:
            setattr(review, field, data[field])
        if data.get("subject_name") is not None:
            review.set_subject_name(data["subject_name"])
        review.save()
        review.reviewers.set(data["reviewers"])
        _save_themes(review, data["theme_titles"])
        audit.record("review.updated", request=request, actor=changed_by, partnership=review.partnership, obj=review)
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
