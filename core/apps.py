from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Partnerships, staff and the audit log"

    def ready(self):
        from core import signals  # noqa: F401 - connects the sign-in audit receivers
