from django.apps import AppConfig


class PractitionersConfig(AppConfig):
    name = "practitioners"
    verbose_name = "Agencies and the practitioner directory"

    def ready(self):
        from core import retention
        from practitioners import email_kinds
        from practitioners.retention import DirectoryData, NominationData

        email_kinds.register()

        retention.register(NominationData())
        retention.register(DirectoryData())
