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

        # Which kept parts of busy pages a change makes afresh (core/stamps.py).
        from core import stamps
        from submissions import models

        stamps.watch_below(
            "review",
            "partnership_id",
            {
                models.AccountTemplate: "review",
                models.AccountRequest: "review",
                models.AccountDocument: "request__review",
                models.AccountVersion: "document__request__review",
                models.Extension: "request__review",
            },
        )
