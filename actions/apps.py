from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Action plans"

    def ready(self):
        from actions import audit_log, email_kinds
        from actions.retention import ActionData
        from core import retention

        retention.register(ActionData())
        email_kinds.register()
        audit_log.register()  # how the audit log names this app's actions and objects

        # Which kept parts of busy pages a change makes afresh (core/stamps.py).
        from actions.models import Action, ActionUpdate, AgencyLink, Recommendation
        from core import stamps

        stamps.watch_below(
            "review",
            "partnership_id",
            {
                Recommendation: "review",
                Action: "recommendation__review",
                ActionUpdate: "action__recommendation__review",
                AgencyLink: "review",
            },
        )
