from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from core.links import PersonalLink
from core.stamps import StampedQuerySet


class AgencyQuerySet(StampedQuerySet):
    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)


class Agency(models.Model):
    """An organisation in the partnership's area, with its safeguarding lead."""

    class Type(models.TextChoices):
        POLICE = "police", "Police"
        HEALTH = "health", "Health trust"
        GP = "gp", "GP practice"
        SCHOOL = "education", "School or education"
        CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
        ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
        PROBATION = "probation", "Probation"
        HOUSING = "housing", "Housing"
        VOLUNTARY = "voluntary", "Voluntary sector"
        OTHER = "other", "Other"

    partnership = models.ForeignKey("core.Partnership", on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(max_length=200)
    agency_type = models.CharField("type", max_length=30, choices=Type.choices, default=Type.OTHER)
    lead_name = models.CharField("safeguarding lead's name", max_length=150, blank=True)
    lead_email = models.EmailField("safeguarding lead's email", blank=True)
    lead_phone = models.CharField("safeguarding lead's telephone", max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint("partnership", Lower("name"), name="agency_name_unique"),
        ]

    def __str__(self):
        return self.name


class PractitionerQuerySet(StampedQuerySet):
    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)

    def search(self, text):
        if not text:
            return self
        return self.filter(
            Q(full_name__icontains=text)
            | Q(email__icontains=text)
            | Q(job_title__icontains=text)
            | Q(agency__name__icontains=text)
        )


class Practitioner(models.Model):
    """A person in the partnership's directory: a front-line practitioner or a manager."""

    partnership = models.ForeignKey("core.Partnership", on_delete=models.CASCADE, related_name="practitioners")
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="practitioners")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    line_manager_name = models.CharField(max_length=150, blank=True)
    line_manager_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PractitionerQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "id"]
        constraints = [
            # Emails are stored lower-case; blank ones (no email yet) may repeat.
            models.UniqueConstraint(
                fields=["partnership", "email"], condition=~Q(email=""), name="practitioner_email_unique"
            ),
        ]
        indexes = [models.Index(fields=["partnership", "full_name"], name="practitioner_by_name")]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        self.line_manager_email = self.line_manager_email.strip().lower()
        super().save(*args, **kwargs)


class NominationRequest(PersonalLink):
    """A review's request to one agency's safeguarding lead to name its key staff, by personal link."""

    link_purpose = "nomination"

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="nomination_requests")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="nomination_requests")
    deadline = models.DateField("nominations needed by")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    last_chased_at = models.DateTimeField(null=True, blank=True)
    chase_count = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField("marked complete", null=True, blank=True)

    class Meta(PersonalLink.Meta):
        ordering = ["agency__name"]
        constraints = [
            *PersonalLink.Meta.constraints,
            models.UniqueConstraint(fields=["review", "agency"], name="one_nomination_request_per_agency"),
        ]

    def __str__(self):
        return f"{self.review.reference}: {self.agency}"

    def link_partnership(self):
        return self.review.partnership


class Nomination(models.Model):
    """A person an agency has named as key staff (or their manager) for a review."""

    class Role(models.TextChoices):
        PRACTITIONER = "practitioner", "Worked with the child or adult or their family"
        MANAGER = "manager", "Manager of someone who did"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the business manager"
        ACCEPTED = "accepted", "Added to the directory"
        DECLINED = "declined", "Not needed"

    request = models.ForeignKey(NominationRequest, on_delete=models.CASCADE, related_name="nominations")
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    involvement = models.TextField("involvement with the case", blank=True)
    line_manager_name = models.CharField(max_length=150, blank=True)
    line_manager_email = models.EmailField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    practitioner = models.ForeignKey(
        Practitioner, null=True, blank=True, on_delete=models.SET_NULL, related_name="nominations"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = StampedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.full_name
