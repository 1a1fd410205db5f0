"""The action plan that follows a signed-off review: recommendations, their actions, and progress."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.crypto import EncryptedTextField
from core.links import PersonalLink
from core.stamps import StampedQuerySet


class Recommendation(models.Model):
    """One of the signed-off review's recommendations."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = StampedQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="one_recommendation_number")]

    def __str__(self):
        return f"Recommendation {self.number} of {self.review}"


class ActionQuerySet(StampedQuerySet):
    def open(self):
        return self.exclude(status=Action.Status.COMPLETE)

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())


class Action(models.Model):
    """What an agency will do about a recommendation, by when, and how it is going."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    class Rag(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField("what will be done")
    agency = models.ForeignKey("practitioners.Agency", on_delete=models.PROTECT, related_name="actions")
    lead_name = models.CharField("lead person", max_length=150)
    lead_email = models.EmailField("lead person's email", blank=True)
    created_on = models.DateField(default=timezone.localdate)
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    rag = models.CharField("RAG rating", max_length=5, choices=Rag.choices, default=Rag.AMBER)
    completed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(due_date__gte=F("created_on")), name="action_due_after_created"),
        ]

    def __str__(self):
        return f"Action {self.pk} on {self.recommendation}"


class ActionUpdate(models.Model):
    """A progress update, by the business manager or the agency's action owner through their link."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    text = EncryptedTextField()
    status = models.CharField(max_length=12, choices=Action.Status.choices)
    rag = models.CharField("RAG rating", max_length=5, choices=Action.Rag.choices)
    evidence = models.FileField(upload_to="evidence/", blank=True)
    evidence_filename = models.CharField(max_length=200, blank=True)
    # Staff who wrote it, or the name of the action owner who used their link.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = StampedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Update to {self.action}"


class AgencyLink(PersonalLink):
    """One agency's personal link to update its own actions on one review's plan."""

    link_purpose = "actions"

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="action_links")
    agency = models.ForeignKey("practitioners.Agency", on_delete=models.CASCADE, related_name="action_links")
    name = models.CharField("action owner's name", max_length=150)
    email = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta(PersonalLink.Meta):
        constraints = [
            *PersonalLink.Meta.constraints,
            models.UniqueConstraint(fields=["review", "agency"], name="one_action_link_per_agency"),
        ]

    def __str__(self):
        return f"{self.agency} actions on {self.review}"

    def link_partnership(self):
        return self.review.partnership
