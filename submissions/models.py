"""Agencies' written accounts for a review: the request to each agency's safeguarding lead (by a personal
link), the files the lead sends in numbered versions, and their requests for more time."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.links import PersonalLink
from core.stamps import StampedQuerySet
from core.versions import NumberedVersion


def account_file_path(instance, filename):
    return f"accounts/{uuid.uuid4()}.{instance.source}"


def account_template_path(instance, filename):
    return f"account-templates/{uuid.uuid4()}.{instance.source}"


class Source(models.TextChoices):
    """What the content check found the file to be."""

    DOCX = "docx", "Word document"
    PDF = "pdf", "PDF"


CONTENT_TYPES = {
    Source.PDF: "application/pdf",
    Source.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class AccountTemplate(models.Model):
    """The partnership's own template for an agency's account, for one review: its name and its file."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="account_templates")
    name = models.CharField(max_length=150)
    source = models.CharField(max_length=8, choices=Source.choices)
    file = models.FileField(upload_to=account_template_path, blank=True)
    original_filename = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = StampedQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.name


class AccountRequestQuerySet(StampedQuerySet):
    def awaiting(self):
        """Asked and not yet sent, with a link still standing."""
        return self.filter(sent_at__isnull=True, token_hash__isnull=False, token_revoked_at__isnull=True)


class AccountRequest(PersonalLink):
    """A review's request to one agency's safeguarding lead for its written account, by personal link."""

    link_purpose = "account"

    class Kind(models.TextChoices):
        CHRONOLOGY = "chronology", "A chronology"
        AGENCY_REPORT = "agency_report", "An agency report"
        TEMPLATE = "template", "The partnership's own template"

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="account_requests")
    agency = models.ForeignKey("practitioners.Agency", on_delete=models.CASCADE, related_name="account_requests")
    kind = models.CharField("what is asked for", max_length=20, choices=Kind.choices)
    template = models.ForeignKey(
        AccountTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    working_days = models.PositiveSmallIntegerField()
    deadline = models.DateField("needed by")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField("first opened", null=True, blank=True)
    sent_at = models.DateTimeField("sent", null=True, blank=True)
    author_name = models.CharField("written by", max_length=150, blank=True)
    author_role = models.CharField("their role", max_length=150, blank=True)

    objects = AccountRequestQuerySet.as_manager()

    class Meta(PersonalLink.Meta):
        ordering = ["agency__name"]
        constraints = [
            *PersonalLink.Meta.constraints,
            models.UniqueConstraint(fields=["review", "agency"], name="one_account_request_per_agency"),
            models.CheckConstraint(
                condition=Q(kind="template", template__isnull=False) | (~Q(kind="template") & Q(template__isnull=True)),
                name="account_template_only_for_template_kind",
            ),
        ]

    def __str__(self):
        return f"{self.review.reference}: {self.agency}"

    def link_partnership(self):
        return self.review.partnership

    @property
    def asked_for(self):
        """What the lead is asked for, in words that follow "asks for": "a chronology"."""
        if self.template_id:
            return f"an account in the partnership's template, {self.template.name}"
        return self.get_kind_display()[0].lower() + self.get_kind_display()[1:]

    def is_late(self, today=None):
        return self.sent_at is None and (today or timezone.localdate()) > self.deadline


class AccountDocument(models.Model):
    """One document the lead sends; each new upload of it is its next numbered version."""

    request = models.ForeignKey(AccountRequest, on_delete=models.CASCADE, related_name="documents")
    created_at = models.DateTimeField(default=timezone.now)

    objects = StampedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Document {self.pk} of {self.request}"


class AccountVersion(NumberedVersion):
    """One upload of a document. Versions never change once stored; the newest is the document."""

    document = models.ForeignKey(AccountDocument, on_delete=models.CASCADE, related_name="versions")
    source = models.CharField(max_length=8, choices=Source.choices)
    file = models.FileField(upload_to=account_file_path, blank=True)

    objects = StampedQuerySet.as_manager()

    class Meta(NumberedVersion.Meta):
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="one_account_version_number")]

    def __str__(self):
        return f"Version {self.number} of {self.original_filename}"


class Extension(models.Model):
    """The lead's request for more time, and the business manager's answer."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"

    request = models.ForeignKey(AccountRequest, on_delete=models.CASCADE, related_name="extensions")
    new_deadline = models.DateField("new date asked for")
    reason = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True)

    objects = StampedQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at", "-id"]
        constraints = [
            # One question at a time: a second waits until the first is answered.
            models.UniqueConstraint(
                fields=["request"], condition=Q(decision="pending"), name="one_pending_extension_per_request"
            ),
        ]

    def __str__(self):
        return f"More time for {self.request}"
