"""Retention: what a closed review keeps about people goes once the partnership's retention period ends.

A set number of days (Partnership.retention_days) after a review closes, a daily sweep runs every
part the apps registered with core.retention, for each review whose time is up:
- practitioners: anonymises the agencies' nominations and closes the nomination links; then deletes
  directory practitioners no review still in its retention period needs (or anonymises them when
  something that must be kept, such as an invitation, still points at them);
- events: takes the personal details and links off its invitations and the addresses and bodies
  off the emails sent to its invitees; deletes its summary versions' content and files, and the
  event factsheet PDFs kept in file storage;
- reports: deletes its draft report versions' content and files (never the signed-off version) and
  the names the anonymisation check found; anonymises those asked to check the draft, closes their
  links and erases their comments' text and corrections (the reviewer's response stays, as the
  record of how each was resolved); takes people off the emails about the draft and its publication;
- actions: deletes the evidence files of action updates, takes names off them, closes the agencies'
  action-plan links and takes people off the emails about the plan.
A review under a legal hold (reviews.holds) is passed by, however long ago it closed: nothing is
removed until the hold is lifted. Anonymous feedback, the signed-off report and its publication are
kept. Each review's purge is audited with counts only. A run finds only what is left to remove, so
a second run does nothing.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from core import audit
from core.models import Partnership
from core.retention import AUTOMATIC, PARTNERSHIP_PARTS, REVIEW_PARTS
from reviews import holds
from reviews.models import Review


def labels():
    """Every registered count's words, in the order the parts registered them; stored files last."""
    words = {}
    for part in REVIEW_PARTS:
        words |= part.labels
    return words | {"files": ("stored file", "stored files")}


@dataclass
class ReviewPurge:
    review: Review
    closed_on: date
    counts: dict

    @property
    def total(self):
        return sum(self.counts.values())

    def describe(self):
        words = labels()
        parts = [f"{n} {words[key][n != 1]}" for key, n in self.counts.items() if n]
        return ", ".join(parts) or "nothing left to remove"


@dataclass
class PartnershipPurge:
    partnership: Partnership
    reviews: list = field(default_factory=list)
    # What each PartnershipData part removed (or would): its description for the report, and its total.
    across_reviews: list = field(default_factory=list)

    @property
    def total(self):
        return sum(purge.total for purge in self.reviews) + sum(total for _, total in self.across_reviews)


def closed_reviews():
    """Closed reviews, each with `closed_at`: when it moved to "closed"."""
    return (
        Review.objects.filter(status=Review.Status.CLOSED)
        .annotate(closed_at=Max("status_changes__changed_at", filter=Q(status_changes__to_status=Review.Status.CLOSED)))
        .filter(closed_at__isnull=False)
        .select_related("partnership")
        .order_by("partnership_id", "closed_at", "pk")
    )


def purge_date(review):
    """The day (UK time) the review's personal data is due to go."""
    return timezone.localdate(review.closed_at) + timedelta(days=review.partnership.retention_days)


def _past_retention(today):
    return [review for review in closed_reviews() if purge_date(review) <= today]


def due_reviews(today):
    """Closed reviews whose retention period has ended and that no legal hold keeps, grouped by partnership."""
    past = _past_retention(today)
    held = holds.held_review_ids(past)
    grouped = {}
    for review in past:
        if review.pk not in held:
            grouped.setdefault(review.partnership, []).append(review)
    return grouped


def held_reviews(today=None):
    """Closed reviews whose retention period has ended but which a legal hold keeps: nothing of them is removed."""
    past = _past_retention(today or timezone.localdate())
    held = holds.held_review_ids(past)
    return [review for review in past if review.pk in held]


def _left(review):
    """Each part with what it still holds for the review, and the counts of it (stored files last)."""
    found = [(part, part.left(review)) for part in REVIEW_PARTS]
    counts = {key: queryset.count() for _, left in found for key, queryset in left.items()}
    counts["files"] = len(_files(review, found))
    return found, counts


def _files(review, found):
    return [name for part, left in found for name in part.files(review, left)]


def _purge_review(review, now):
    """Remove what the review still holds about people; returns the counts removed."""
    found, counts = _left(review)
    if not any(counts.values()):
        return counts
    # Files go first: if the database work then fails, the rows still name them and the next run
    # deletes them again (deleting a missing file is not an error), so nothing is left behind.
    for name in _files(review, found):
        default_storage.delete(name)
    for part, left in found:
        part.remove(review, left, now)
    audit.record("retention.review_purged", partnership=review.partnership, obj=review, actor_label=AUTOMATIC, **counts)
    return counts


def run(today=None, *, dry_run=False):
    """Purge every review whose retention period has ended; with dry_run, only count.

    Returns a PartnershipPurge for each partnership with something to remove.
    """
    now = timezone.now()
    today = today or timezone.localdate(now)
    results = []
    for partnership, reviews in due_reviews(today).items():
        result = purge_partnership(partnership, reviews, now=now, dry_run=dry_run)
        if result.total:
            results.append(result)
    return results


def _not_held(reviews):
    held = holds.held_review_ids(reviews)
    return [review for review in reviews if review.pk not in held]


def purge_partnership(partnership, reviews, *, now, dry_run=False):
    """Purge (with dry_run, only count) these reviews of one partnership, found due by `due_reviews`.

    A hold placed since they were found is seen here: holds are checked again (for the real run, once the
    reviews are locked, as placing a hold locks the review too), and a review under one is passed by.
    """
    result = PartnershipPurge(partnership)
    if dry_run:
        reviews = _not_held(reviews)
        for review in reviews:
            result.reviews.append(ReviewPurge(review, timezone.localdate(review.closed_at), _left(review)[1]))
        if reviews:
            for part in PARTNERSHIP_PARTS:
                result.across_reviews.append(part.counts(part.plan(partnership, reviews)))
    else:
        # One transaction for the partnership: a part across reviews needs the links the review
        # purges take away, so both happen together or not at all.
        with transaction.atomic():
            # Two sweeps at once (a second beat, or the command beside it) take turns.
            list(Review.objects.select_for_update().filter(pk__in=[review.pk for review in reviews]))
            reviews = _not_held(reviews)
            plans = [(part, part.plan(partnership, reviews)) for part in PARTNERSHIP_PARTS] if reviews else []
            for review in reviews:
                result.reviews.append(
                    ReviewPurge(review, timezone.localdate(review.closed_at), _purge_review(review, now))
                )
            for part, plan in plans:
                result.across_reviews.append(part.remove(partnership, plan))
    result.reviews = [purge for purge in result.reviews if purge.total]
    result.across_reviews = [(words, total) for words, total in result.across_reviews if total]
    return result
