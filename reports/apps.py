from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Draft reports, their check and sign-off"

    def ready(self):
        from reports import audit_log

        audit_log.register()  # how the audit log names this app's actions and objects
        from core import retention
        from practitioners.retention import link_practitioners
        from reports import email_kinds
        from reports.models import Checker
        from reports.retention import ReportData

        retention.register(ReportData())
        link_practitioners(Checker, "circulation__review", keeps_row=False)
        email_kinds.register()
