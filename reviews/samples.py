"""A made-up review for the samples of every kind of email: never saved, naming nobody real."""

from datetime import timedelta

from django.utils import timezone

from core.models import User
from reviews.models import Review

# Links in samples lead nowhere: the place of a personal link's secret.
SAMPLE_LINK_SECRET = "their-own-link"  # noqa: S105 (a placeholder, not a secret)


def review(partnership):
    """A review of the partnership's own kind (a CSPR for a children's partnership, a SAR for an adults' board)."""
    today = timezone.localdate()
    review_type = Review.Type.SAR if partnership.kind == "adults" else Review.Type.CSPR
    return Review(
        partnership=partnership,
        review_type=review_type,
        reference=f"{review_type.upper()} {today.year}-00",
        pseudonym="Adult S" if review_type == Review.Type.SAR else "Child S",
        scope_start=today - timedelta(days=700),
        scope_end=today - timedelta(days=200),
    )


def reviewer():
    return User(full_name="Alex Morgan", email="alex.morgan@reviewer.example")
