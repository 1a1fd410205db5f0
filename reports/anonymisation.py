"""The draft report's names check (core.names): run on every version, dealt with before it is circulated."""

from core import names
from core.errors import DomainError
from events.names import names_for_review
from reports.models import SignOff


def check(version):
    """Record a hit for each place the version names someone; returns the hits."""
    from reports.documents import units

    return names.check(version, units(version), names_for_review(version.review))


def can_circulate(version):
    """Whether the version has been checked and every place it names someone has been dealt with."""
    return names.passed(version)


def kind_label(hit, review=None):
    return names.kind_label(hit, (review or hit.version.review).subject_word)


def refuse_change(hit):
    """Raise DomainError if the hit can no longer be marked: the report is signed off, or it is done."""
    if SignOff.objects.filter(review_id=hit.version.review_id).exists():
        raise DomainError("The report has been signed off, so its check cannot change", field="reason")
    if hit.status != hit.Status.OPEN:
        raise DomainError("This has already been marked as not a person", field="reason")


def mark_not_a_person(hit, *, reason, by, request=None):
    """Record that a hit is not a person, with the reason; audited."""
    review = hit.version.review
    return names.mark_not_a_person(
        hit,
        reason=reason,
        by=by,
        partnership=review.partnership,
        action="report.name_marked_not_a_person",
        refuse=refuse_change,
        request=request,
        review_id=review.pk,
    )
