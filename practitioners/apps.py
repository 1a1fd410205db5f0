from django.apps import AppConfig


class PractitionersConfig(AppConfig):
    name = "practitioners"
    verbose_name = "Agencies and the practitioner directory"

    def ready(self):
        from core import retention
        from practitioners.retention import DirectoryData, NominationData

        retention.register(NominationData())
        retention.register(DirectoryData())
