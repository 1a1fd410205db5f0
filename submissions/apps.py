from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "Agencies' written accounts"

    def ready(self):
        from submissions import audit_log

        audit_log.register()  # how the audit log names this app's actions and objects
        from core import retention
        from submissions import email_kinds
        from submissions.retention import AccountData

        retention.register(AccountData())
        email_kinds.register()
