from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from core.models import Membership, Partnership
from core.stamps import StampedQuerySet


class ReviewQuerySet(StampedQuerySet):
    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)

    def visible_to(self, user, partnership=None):
        """Business managers see their partnerships' reviews; reviewers only those assigned to them."""
        qs = self if partnership is None else self.filter(partnership=partnership)
        if not user.is_authenticated:
            return qs.none()
        if user.is_superuser:
            return qs
        if partnership is not None and partnership.remembered_role(user) == Membership.Role.BUSINESS_MANAGER:
            return qs  # the request has already read that they manage this partnership
        managed = Membership.objects.filter(user=user, role=Membership.Role.BUSINESS_MANAGER).values("partnership_id")
        # Subqueries rather than a join to the reviewers: each review comes once, with no DISTINCT to sort out.
        assigned = self.model.reviewers.through.objects.filter(user=user).values("review_id")
        return qs.filter(Q(partnership_id__in=managed) | Q(pk__in=assigned))

    def open(self):
        return self.exclude(status__in=[Review.Status.PUBLISHED, Review.Status.CLOSED])


class Review(models.Model):
    """A CSPR or SAR: the case is named only by its reference and pseudonym."""

    class Type(models.TextChoices):
        CSPR = "cspr", "Child Safeguarding Practice Review"
        SAR = "sar", "Safeguarding Adult Review"

    class RapidReviewOutcome(models.TextChoices):
        LOCAL_REVIEW = "local_review", "A local child safeguarding practice review"
        NO_LOCAL_REVIEW = "no_local_review", "No local review"
        NATIONAL_REVIEW = "national_review", "The national panel's own review"

    class ReferralDecision(models.TextChoices):
        SAR = "sar", "A safeguarding adult review"
        NO_SAR = "no_sar", "No safeguarding adult review"
        OTHER_REVIEW = "other_review", "Another kind of review"

    class EventRecommender(models.TextChoices):
        PANEL = "panel", "The review panel"
        REVIEWER = "reviewer", "The independent reviewer"

    class Status(models.TextChoices):
        SCOPING = "scoping", "Scoping"
        GATHERING = "gathering", "Gathering information"
        PRACTITIONER_EVENT = "practitioner_event", "Practitioner event"
        DRAFTING = "drafting", "Drafting"
        FACTUAL_ACCURACY = "factual_accuracy", "Factual-accuracy check"
        AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
        SIGNED_OFF = "signed_off", "Signed off"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"

    LEGAL_BASIS = {
        Type.CSPR: "Children Act 2004, as amended by the Children and Social Work Act 2017, "
        "and Working Together to Safeguard Children",
        Type.SAR: "Care Act 2014, section 44",
    }

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="reviews")
    review_type = models.CharField("type of review", max_length=4, choices=Type.choices)
    reference = models.CharField(max_length=40)
    pseudonym = models.CharField(max_length=60)
    subject_name_encrypted = models.TextField(blank=True, editable=False)
    scope_start = models.DateField("scope period start")
    scope_end = models.DateField("scope period end")
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assigned_reviews")
    # CSPR: when the local authority became aware of the serious incident (the notification's clock starts).
    became_aware_on = models.DateField("local authority became aware of the serious incident", null=True, blank=True)
    # CSPR: the national panel notified; SAR: the referral received. The first clock runs from it.
    incident_notified_on = models.DateField("serious incident notified", null=True, blank=True)
    rapid_review_meeting_on = models.DateField("rapid review meeting", null=True, blank=True)
    # What the first clock measures, once it is recorded: until then that clock is never "done".
    rapid_review_sent_on = models.DateField("rapid review sent to the national panel", null=True, blank=True)
    rapid_review_outcome = models.CharField(max_length=20, choices=RapidReviewOutcome.choices, blank=True)
    referral_decided_on = models.DateField("decision made on the referral", null=True, blank=True)
    referral_decision = models.CharField(max_length=20, choices=ReferralDecision.choices, blank=True)
    # Why there is no local review, or no SAR.
    decision_reason = models.TextField(blank=True)
    event_recommended_by = models.CharField(max_length=10, choices=EventRecommender.choices, blank=True)
    event_recommended_on = models.DateField("practitioner event recommended", null=True, blank=True)
    final_report_sent_on = models.DateField("final report sent to the national panel", null=True, blank=True)
    final_report_sent_to = models.TextField("final report also sent to", blank=True)
    commissioned_on = models.DateField("review commissioned", null=True, blank=True)
    target_completion_on = models.DateField("target completion", null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCOPING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint("partnership", Lower("reference"), name="review_reference_unique"),
            models.CheckConstraint(condition=Q(scope_end__gte=F("scope_start")), name="review_scope_in_order"),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "scoping",
                        "gathering",
                        "practitioner_event",
                        "drafting",
                        "factual_accuracy",
                        "awaiting_sign_off",
                        "signed_off",
                        "published",
                        "closed",
                    ]
                ),
                name="review_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.reference} ({self.pseudonym})"

    @property
    def legal_basis(self):
        return self.LEGAL_BASIS[self.review_type]

    @property
    def subject_word(self):
        return "child" if self.review_type == self.Type.CSPR else "adult"

    @property
    def subject_name(self):
        """The real name, decrypted. Show it only to a business manager who asks for it."""
        from core import crypto

        return crypto.decrypt(self.subject_name_encrypted) if self.subject_name_encrypted else ""

    def set_subject_name(self, name):
        from core import crypto

        self.subject_name_encrypted = crypto.encrypt(name.strip()) if name.strip() else ""

    def next_status(self):
        order = list(self.Status)
        index = order.index(self.status)
        return order[index + 1] if index + 1 < len(order) else None


class LearningTheme(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="learning_themes")
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    objects = StampedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class ReviewStatusChange(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Review.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Review.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    objects = StampedQuerySet.as_manager()

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.review}: {self.from_status or 'new'} → {self.to_status}"


class Factsheet(models.Model):
    """The partnership's wording of the practitioner factsheet for one type of review."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="factsheets")
    review_type = models.CharField(max_length=4, choices=Review.Type.choices)
    what_it_is = models.TextField("What a practitioner event is")
    who_will_be_there = models.TextField("Who will be there")
    how_to_prepare = models.TextField("How to prepare")
    at_the_event = models.TextField("What happens at the event")
    afterwards = models.TextField("What happens afterwards")
    confidentiality = models.TextField("Confidentiality")
    support = models.TextField("Where to get support")
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = StampedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "review_type"], name="one_factsheet_per_review_type"),
        ]

    def __str__(self):
        return f"{self.partnership} {self.get_review_type_display()} factsheet (version {self.version})"


class LegalHoldQuerySet(StampedQuerySet):
    def standing(self):
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """Criminal proceedings, an inquest or another parallel process: the review's material is kept and not published."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review"], condition=Q(lifted_at__isnull=True), name="one_standing_legal_hold_per_review"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="legal_hold_has_reason"),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""), name="legal_hold_lifted_with_reason"
            ),
        ]

    def __str__(self):
        return f"Legal hold on {self.review}"
