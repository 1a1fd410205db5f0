"""Retention: what each app keeps about people for a review, and how it is removed once its time is up.

Each app that keeps something registers a `ReviewData` (in its AppConfig.ready): what is left to
remove for a review, the stored files that go with it, and how to remove it. The orchestrator
(reviews.retention) finds the closed reviews whose retention period has ended and runs every
registered part for each, counting first, so a dry run and a real run report the same figures.
A part that keeps something across a partnership's reviews (the directory) registers a
`PartnershipData` instead: it is planned before the reviews are purged, and carried out after.
"""

from django.db.models import Q

AUTOMATIC = "Convene (retention schedule)"
REMOVED_NAME = "Name removed"
REMOVED_DOMAIN = "removed.invalid"  # a reserved domain: nothing is ever delivered there
REMOVED_EMAIL = f"removed@{REMOVED_DOMAIN}"


class ReviewData:
    """What one app keeps about people for each review."""

    # key: (the words for one, the words for several), in the order the counts are reported.
    labels = {}

    def left(self, review):
        """{key: a queryset of the review's rows that still hold something to remove}."""
        raise NotImplementedError

    def files(self, review, left):
        """Names in file storage that go with what is left (deleted before the rows change)."""
        return []

    def remove(self, review, left, now):
        """Remove it: update or delete the rows of `left`."""
        raise NotImplementedError


class PartnershipData:
    """What one app keeps about people across a partnership's reviews."""

    def plan(self, partnership, reviews):
        """What will go once these reviews are purged; worked out before they are."""
        raise NotImplementedError

    def counts(self, plan):
        """(the words for the report, such as "Directory practitioners: 1 deleted", the number of rows)."""
        raise NotImplementedError

    def remove(self, partnership, plan):
        """Carry out the plan, after the reviews are purged; returns what it removed, as counts() does."""
        raise NotImplementedError


REVIEW_PARTS = []
PARTNERSHIP_PARTS = []


def register(part):
    """Add an app's part to the retention schedule."""
    (PARTNERSHIP_PARTS if isinstance(part, PartnershipData) else REVIEW_PARTS).append(part)
    return part


def not_blank(*names):
    """Q: at least one of these text fields is not empty."""
    condition = Q()
    for name in names:
        condition |= ~Q(**{name: ""})
    return condition
