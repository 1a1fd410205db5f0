"""Legal holds: while criminal proceedings, an inquest or another parallel process need the review's material,
the reviewer's notes are kept, retention passes the review by and the report is not published.

The apps above ask `is_held(review)`; only the functions here place or lift a hold, each audited.
"""

from django.db import transaction
from django.utils import timezone

from core import audit
from core.errors import DomainError
from core.formatting import sentence, uk_date
from reviews.models import LegalHold, Review


def standing_hold(review):
    """The hold that stands on the review, or None."""
    return LegalHold.objects.standing().filter(review=review).select_related("placed_by").first()


def is_held(review):
    return LegalHold.objects.standing().filter(review=review).exists()


def held_review_ids(reviews):
    """The ids, among these reviews, of those under a hold."""
    return set(LegalHold.objects.standing().filter(review__in=reviews).values_list("review_id", flat=True).distinct())


def last_lifted_on(review):
    """The day (UK time) the review's last hold was lifted, or None."""
    lifted = LegalHold.objects.filter(review=review, lifted_at__isnull=False).order_by("-lifted_at").first()
    return timezone.localdate(lifted.lifted_at) if lifted is not None else None


def refusal(hold):
    """Why something the hold stops is refused, in the words the pages show."""
    return (
        f"This review is under a legal hold, placed on {uk_date(hold.placed_at)}: "
        f"{sentence(hold.reason)} Lift the hold on the review's legal hold page first."
    )


def place_hold(review, *, reason, by, request=None):
    """Put the review under a legal hold, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why the review is under a legal hold.", field="reason")
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("partnership").get(pk=review.pk)
        if is_held(review):
            raise DomainError("This review is already under a legal hold.")
        hold = LegalHold.objects.create(review=review, reason=reason, placed_by=by)
        audit.record("review.legal_hold_placed", request=request, actor=by, partnership=review.partnership, obj=review)
    return hold


def lift_hold(review, *, reason, by, request=None):
    """Lift the standing hold, with the reason; the notes' deletion period starts again from today."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why the legal hold is lifted.", field="reason")
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("partnership").get(pk=review.pk)
        hold = LegalHold.objects.standing().select_for_update().filter(review=review).first()
        if hold is None:
            raise DomainError("This review is not under a legal hold.")
        hold.lifted_at = timezone.now()
        hold.lifted_by = by
        hold.lift_reason = reason
        hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        audit.record("review.legal_hold_lifted", request=request, actor=by, partnership=review.partnership, obj=review)
    return hold
