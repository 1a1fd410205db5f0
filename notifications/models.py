import re
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

    def about(self, model, ids):
        """Messages about these objects of `model` (its rows' ids, a list or a values() queryset)."""
        return self.filter(about_type=model._meta.label_lower, about_id__in=ids)

    def about_one(self, obj):
        return self.filter(about_type=obj._meta.label_lower, about_id=obj.pk)

    def keyed(self, partnership_id, ids_by_prefix):
        """Messages whose idempotency key is "<prefix>:<id>" or "<prefix>:<id>:…", for ids given per prefix."""
        keyed = Q()
        for prefix in ids_by_prefix:
            keyed |= Q(idempotency_key__startswith=f"{prefix}:")
        pattern = re.compile(rf"({'|'.join(map(re.escape, ids_by_prefix))}):(\d+)(?::.*)?")
        found = []
        candidates = self.filter(keyed, partnership_id=partnership_id).values_list("pk", "idempotency_key")
        for pk, key in candidates:
            match = pattern.fullmatch(key)
            if match and int(match[2]) in ids_by_prefix[match[1]]:
                found.append(pk)
        return self.filter(pk__in=found)

    def due(self, now=None, queued_grace=timedelta(seconds=60)):
        """Rows queued too long: their task was lost (a broker outage, or a worker that died holding it)."""
        now = now or timezone.now()
        return self.filter(state=OutboundMessage.State.QUEUED, next_attempt_at__lte=now - queued_grace)

    def lease_expired(self, now=None):
        """Rows in sending whose worker stopped renewing its claim: it died, or lost the database."""
        return self.filter(state=OutboundMessage.State.SENDING, lease_expires_at__lt=now or timezone.now())


class OutboundMessage(models.Model):
    """One email, written in the same transaction as the action that causes it."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        # Its sender found it no longer applied (an event cancelled or moved) before it was sent.
        WITHDRAWN = "withdrawn", "Withdrawn"

    partnership = models.ForeignKey(
        "core.Partnership", null=True, blank=True, on_delete=models.CASCADE, related_name="outbound_messages"
    )
    # What the message is about, as its sender names it ("events.invitation" and the row's id): the outbox
    # knows no domain, and the sender finds its own messages by it (an invitee's history, retention).
    about_type = models.CharField(max_length=60, blank=True)
    about_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=60)
    idempotency_key = models.CharField(max_length=200, unique=True)
    recipient = models.EmailField()
    from_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=300)
    # Bodies carry personal links until they are sent: encrypted at rest, and the links are struck
    # out once the message has gone (see notifications.services.redact_links).
    body_text = EncryptedTextField()
    body_html = EncryptedTextField(blank=True)
    # What to attach: [{"type": "calendar", "method": ..., "content": "..."}] kept whole, or
    # [{"type": "factsheet", ...}] made at send time by the function its app registered for the type.
    attachments = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Why the last attempt failed, or why the message was withdrawn.
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The worker sending the row ("host pid 123") and until when its claim holds: it renews the lease
    # while it works, and the sweep puts the row back in the queue once the lease has run out.
    claimed_by = models.CharField(max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["about_type", "about_id"], name="outbox_about"),
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_queued",
                condition=Q(state="queued"),
            ),
            models.Index(
                fields=["lease_expires_at"],
                name="outbox_lease",
                condition=Q(state="sending"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "sending", "sent", "failed", "withdrawn"]), name="outbox_state_valid"
            ),
            models.CheckConstraint(condition=~Q(state="sent") | Q(sent_at__isnull=False), name="outbox_sent_has_time"),
            models.CheckConstraint(
                condition=~Q(state="sending") | Q(lease_expires_at__isnull=False), name="outbox_sending_has_lease"
            ),
        ]

    def __str__(self):
        return f"{self.kind} to {self.recipient} ({self.state})"
