"""How the audit log reads the reviews app's entries: its actions and its objects, as the pages name them."""

from core import audit

ACTIONS = {
    "factsheet.updated": "Changed a factsheet",
    "retention.review_purged": "Removed a review's personal data on its retention schedule",
    "review.created": "Created a review",
    "review.legal_hold_lifted": "Lifted a legal hold",
    "review.legal_hold_placed": "Placed a legal hold",
    "review.real_name_viewed": "Viewed the real name of the child or adult",
    "review.status_changed": "Moved a review to its next stage",
    "review.timeline_recorded": "Recorded a date on the review's timeline",
    "review.updated": "Changed a review",
}


def _choices(partnership):
    from reviews.models import Review

    reviews = Review.objects.filter(partnership=partnership).order_by("-created_at", "-pk")
    return [(review.pk, f"{review.reference}: {review.pseudonym}") for review in reviews]


def _references(ids):
    from reviews.models import Review

    return dict(Review.objects.filter(pk__in=ids).values_list("pk", "reference"))


def register():
    audit.register_actions(ACTIONS)
    audit.register_reviews(audit.Reviews(choices=_choices, references=_references))
    audit.register(
        audit.Subject("reviews.Review", lambda review, detail: f"Review {review.reference} ({review.pseudonym})", "pk"),
        audit.Subject(
            "reviews.Factsheet",
            lambda factsheet, detail: f"The {factsheet.get_review_type_display()} factsheet",
        ),
    )
