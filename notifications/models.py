from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.crypto import EncryptedTextField

# After this many tries a message is failed for good (a business manager can try again).
MAX_ATTEMPTS = 6


class OutboundMessageQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)

    def due(self, now=None, queued_grace=timedelta(seconds=60), sending_timeout=timedelta(minutes=10)):
        """Rows the sweep should hand to a worker: queued too long, or stuck in sending."""
        now = now or timezone.now()
        waiting = Q(state=OutboundMessage.State.QUEUED, next_attempt_at__lte=now - queued_grace)
        stuck = Q(state=OutboundMessage.State.SENDING, claimed_at__lte=now - sending_timeout, attempts__lt=MAX_ATTEMPTS)
        return self.filter(waiting | stuck)


class OutboundMessage(models.Model):
    """One email, written in the same transaction as the action that causes it."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    partnership = models.ForeignKey(
        "core.Partnership", null=True, blank=True, on_delete=models.CASCADE, related_name="outbound_messages"
    )
    invitation = models.ForeignKey(
        "events.Invitation", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=60)
    idempotency_key = models.CharField(max_length=200, unique=True)
    recipient = models.EmailField()
    from_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=300)
    # Bodies carry personal links until they are sent: encrypted at rest, and the links are struck
    # out once the message has gone (see notifications.services.redact_links).
    body_text = EncryptedTextField()
    body_html = EncryptedTextField(blank=True)
    # What to attach, made at send time: [{"type": "calendar", "content": "..."}, {"type": "factsheet", ...}]
    attachments = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_queued",
                condition=Q(state="queued"),
            ),
            models.Index(
                fields=["claimed_at"],
                name="outbox_sending",
                condition=Q(state="sending"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "sending", "sent", "failed"]), name="outbox_state_valid"
            ),
            models.CheckConstraint(condition=~Q(state="sent") | Q(sent_at__isnull=False), name="outbox_sent_has_time"),
        ]

    def __str__(self):
        return f"{self.kind} to {self.recipient} ({self.state})"
