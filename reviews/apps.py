from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        from notifications.kinds import register_about
        from reviews import (
            audit_log,
            signals,  # noqa: F401 - takes removed staff off their reviews
        )

        audit_log.register()  # how the audit log names this app's actions and objects

        # Emails about a review itself (its publication, its reviewers' notes) belong to it in the list of emails.
        register_about("reviews.review", review="")

        # Which kept parts of busy pages a change makes afresh (core/stamps.py).
        from core import stamps
        from reviews.models import Factsheet, LearningTheme, LegalHold, Review, ReviewStatusChange

        stamps.watch(Review, partnership="partnership_id", review="pk")
        stamps.watch_below(
            "review", "partnership_id", dict.fromkeys((LearningTheme, ReviewStatusChange, LegalHold), "review")
        )
        stamps.watch(Factsheet, partnership="partnership_id")
