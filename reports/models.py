"""The draft report and what follows it: versions, the names check, the factual-accuracy
check (circulation, checkers and their comments), sign-off and publication."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core import names
from core.crypto import EncryptedTextField
from core.links import LinkQuerySet, PersonalLink
from core.reading import TermsReader
from core.stamps import StampedQuerySet
from core.versions import NumberedVersion


class ReportVersion(NumberedVersion):
    """One upload of the reviewer's draft report. Versions never change once stored.

    Its body_html is what a reader sees in the browser, numbered: a Word document's paragraphs, or a
    PDF's text page by page. An uploaded PDF is also kept as it is, as its file.
    """

    class Source(models.TextChoices):
        DOCX = "docx", "Word document"
        PDF = "pdf", "PDF"

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="report_versions")
    source = models.CharField(max_length=8, choices=Source.choices)
    # Paragraphs (Word) or pages (PDF): what a comment may point at is 1..unit_count.
    unit_count = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="reports/", blank=True)

    objects = StampedQuerySet.as_manager()

    class Meta(NumberedVersion.Meta):
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="one_report_version_number")]

    def __str__(self):
        return f"Draft report version {self.number} for {self.review}"

    @property
    def unit(self):
        """What its numbers count: "paragraph" or "page"."""
        return "page" if self.source == self.Source.PDF else "paragraph"


class NameHit(names.NameHit):
    """A place where a draft version seems to name a person: circulation waits until each is dealt with."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="name_hits")

    objects = StampedQuerySet.as_manager()

    class Meta(names.NameHit.Meta):
        indexes = [models.Index(fields=["version", "status"])]


class Circulation(models.Model):
    """A version sent out for its factual-accuracy check, with the date answers are due."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="circulations")
    version = models.OneToOneField(ReportVersion, on_delete=models.PROTECT, related_name="circulation")
    working_days = models.PositiveSmallIntegerField()
    deadline = models.DateField()
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    # Set by sign-off, or when a later version is circulated: every link closes with it.
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = StampedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Factual-accuracy check of {self.version}"

    @property
    def is_closed(self):
        return self.closed_at is not None


class CheckerQuerySet(LinkQuerySet):
    def responded(self):
        return self.filter(responded_at__isnull=False)

    def waiting(self):
        return self.filter(responded_at__isnull=True)


class Checker(PersonalLink, TermsReader):
    """One person asked to check a circulated version, with their personal link and when they
    accepted the draft's confidentiality terms (`terms_accepted_at`)."""

    link_purpose = "draft"

    class Role(models.TextChoices):
        ATTENDEE = "attendee", "Attended the event"
        LEAD = "lead", "Agency safeguarding lead"
        OTHER = "other", "Other"

    circulation = models.ForeignKey(Circulation, on_delete=models.CASCADE, related_name="checkers")
    role = models.CharField(max_length=10, choices=Role.choices)
    name = models.CharField(max_length=150)
    email = models.EmailField()
    agency = models.ForeignKey(
        "practitioners.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    practitioner = models.ForeignKey(
        "practitioners.Practitioner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_read_at = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)
    read_count = models.PositiveIntegerField(default=0)
    download_count = models.PositiveIntegerField(default=0)
    # Set when they send their comments, or say they have none.
    responded_at = models.DateTimeField(null=True, blank=True)
    no_comments = models.BooleanField(default=False)

    objects = CheckerQuerySet.as_manager()

    class Meta(PersonalLink.Meta):
        ordering = ["name", "id"]
        constraints = [
            *PersonalLink.Meta.constraints,
            models.UniqueConstraint(fields=["circulation", "email"], name="one_checker_per_email"),
        ]

    def __str__(self):
        return f"{self.name} checking {self.circulation.version}"

    def link_partnership(self):
        return self.circulation.review.partnership


class Comment(models.Model):
    """A checker's comment on one paragraph (or page), with the correction they propose, and its answer."""

    class Response(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        AMENDED = "amended", "Amended"
        NOT_ACCEPTED = "not_accepted", "Not accepted"

    checker = models.ForeignKey(Checker, on_delete=models.CASCADE, related_name="comments")
    paragraph = models.PositiveIntegerField()
    text = EncryptedTextField()
    correction = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    response = models.CharField(max_length=12, choices=Response.choices, blank=True)
    # What was amended, or why it was not accepted.
    response_text = EncryptedTextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    objects = StampedQuerySet.as_manager()

    class Meta:
        ordering = ["paragraph", "created_at", "id"]

    def __str__(self):
        return f"Comment on {self.checker.circulation.version.unit} {self.paragraph}"


class SignOff(models.Model):
    """The partnership's sign-off of one version: after it, drafts cannot change."""

    review = models.OneToOneField("reviews.Review", on_delete=models.CASCADE, related_name="sign_off")
    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="sign_offs")
    body = models.CharField("signed off by", max_length=200)
    signed_off_on = models.DateField("date of sign-off")
    minute_reference = models.CharField(max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # Set only when nobody could be asked to check the draft, so no version went through the check.
    no_check_reason = models.TextField("why the draft was not checked", blank=True)
    # Set only when the signed-off version comes before answers that say the report changed.
    answers_reason = models.TextField("why it was signed off without some answers", blank=True)

    objects = StampedQuerySet.as_manager()

    def __str__(self):
        return f"Sign-off of {self.review}"


class Publication(models.Model):
    """Whether the signed-off report is held back or published, and where the public finds it."""

    class State(models.TextChoices):
        HELD = "held", "Held"
        PUBLISHED = "published", "Published"

    review = models.OneToOneField("reviews.Review", on_delete=models.CASCADE, related_name="publication")
    state = models.CharField(max_length=10, choices=State.choices)
    hold_reason = models.TextField(blank=True)
    # The last part of the public address: unique within the partnership.
    slug = models.SlugField(max_length=80)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    practitioners_told_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StampedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state="held") | Q(published_at__isnull=False), name="published_has_date"
            ),
        ]

    def __str__(self):
        return f"Publication of {self.review}"
