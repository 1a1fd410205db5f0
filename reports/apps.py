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

        # Which kept parts of busy pages a change makes afresh (core/stamps.py).
        from core import stamps
        from reports import models

        stamps.watch_below(
            "review",
            "partnership_id",
            {
                models.ReportVersion: "review",
                models.NameHit: "version__review",
                models.Circulation: "review",
                models.Checker: "circulation__review",
                models.Comment: "checker__circulation__review",
                models.SignOff: "version__review",
                models.Publication: "review",
            },
        )
