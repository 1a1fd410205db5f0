from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Practitioner events"

    def ready(self):
        # Takes removed staff off the chair of their events; makes the factsheet the outbox attaches;
        # checks each reminder against the event as it is when the outbox is about to send it.
        from core import retention
        from events import audit_log, email_kinds, factsheets, reminders, signals  # noqa: F401
        from events.models import Invitation
        from events.retention import EventData
        from notifications.services import register_send_check
        from practitioners.retention import link_practitioners

        retention.register(EventData())
        email_kinds.register()
        # An invitation is kept (anonymised) for the record of who came, so it keeps its practitioner row.
        link_practitioners(Invitation, "event__review", keeps_row=True)
        # A reminder about an event that was cancelled or moved since it was written is withdrawn, not sent.
        for kind in reminders.REMINDER_KINDS:
            register_send_check(kind, reminders.reason_to_withdraw)
        audit_log.register()  # how the audit log names this app's actions and objects

        # Which kept parts of busy pages a change makes afresh (core/stamps.py).
        from core import stamps
        from events import models

        stamps.watch(models.Event, partnership="review__partnership_id", event="pk", review="review_id")
        stamps.watch_below(
            "event",
            "review__partnership_id",
            {
                models.EventTheme: "event",
                models.Invitation: "event",
                models.FeedbackResponse: "event",
                models.SummaryVersion: "event",
                models.SummaryNameHit: "version__event",
                models.SummaryRelease: "event",
                models.SummaryReader: "release__event",
                models.PossibleWitness: "invitation__event",
            },
        )
        stamps.watch(models.ReviewerNote, partnership="review__partnership_id", review="review_id", event="event_id")
