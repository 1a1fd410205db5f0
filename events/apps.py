from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Practitioner events"

    def ready(self):
        # Takes removed staff off the chair of their events; makes the factsheet the outbox attaches.
        from core import retention
        from events import factsheets, signals  # noqa: F401
        from events.models import Invitation
        from events.retention import EventData
        from practitioners.retention import link_practitioners

        retention.register(EventData())
        # An invitation is kept (anonymised) for the record of who came, so it keeps its practitioner row.
        link_practitioners(Invitation, "event__review", keeps_row=True)
