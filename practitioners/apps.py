from django.apps import AppConfig


class PractitionersConfig(AppConfig):
    name = "practitioners"
    verbose_name = "Agencies and the practitioner directory"

    def ready(self):
        from practitioners import audit_log

        audit_log.register()  # how the audit log names this app's actions and objects
        from core import retention
        from practitioners import email_kinds
        from practitioners.retention import DirectoryData, NominationData

        email_kinds.register()

        retention.register(NominationData())
        retention.register(DirectoryData())

        # Which kept parts of busy pages a change makes afresh (core/stamps.py).
        from core import stamps
        from practitioners.models import Agency, Nomination, NominationRequest, Practitioner

        for model in (Agency, Practitioner):
            stamps.watch(model, partnership="partnership_id", directory="partnership_id")
        stamps.watch_below("review", "partnership_id", {NominationRequest: "review", Nomination: "request__review"})
