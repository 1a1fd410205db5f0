from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Practitioner events"

    def ready(self):
        from events import signals  # noqa: F401 - takes removed staff off the chair of their events
