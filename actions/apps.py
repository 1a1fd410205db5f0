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
