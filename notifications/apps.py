from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from notifications import audit_log

        audit_log.register()  # how the audit log names the outbox's actions
