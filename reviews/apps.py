from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        from reviews import audit_log

        audit_log.register()  # how the audit log names this app's actions and objects
        from reviews import signals  # noqa: F401 - takes removed staff off their reviews
