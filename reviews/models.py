from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff: a business manager, support officer or independent reviewer."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Can open the Django admin (for service administrators only)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class PartnershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        # A user has at most one membership of a partnership (a constraint), so the join repeats no row.
        return self.filter(memberships__user=user)


class Partnership(models.Model):
    """A safeguarding partnership or board: the tenant every other record belongs to."""

    class Kind(models.TextChoices):
        CHILDREN = "children", "Children's safeguarding partnership"
        ADULTS = "adults", "Safeguarding adults board"
        BOTH = "both", "Adults and children partnership board"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    contact_name = models.CharField("business manager's name", max_length=150)
    contact_email = models.EmailField("contact email address")
    contact_phone = models.CharField("contact telephone number", max_length=40)
    website = models.URLField(blank=True)
    address = models.TextField(blank=True)
    support_text = models.TextField(
        "support and debrief",
        blank=True,
        help_text="Where practitioners can find support before and after an event.",
    )
    rsvp_reminder_working_days = models.PositiveSmallIntegerField(
        "remind those who have not replied (working days before the reply-by date)", default=2
    )
    event_reminder_days = models.CharField(
        "remind those attending (days before the event, separated by commas)", max_length=40, default="7, 1"
    )
    nomination_reminder_working_days = models.PositiveSmallIntegerField(
        "remind agencies that have not named anyone (working days before the date)", default=2
    )
    notes_deletion_days = models.PositiveSmallIntegerField(
        "days after sign-off that reviewers' private notes are deleted", default=30
    )
    notes_deletion_warning_days = models.PositiveSmallIntegerField(
        "days before deletion that reviewers are told", default=7
    )
    summary_access_days = models.PositiveSmallIntegerField(
        "days after an event that its confidential summary can still be read", default=14
    )
    link_follow_up_days = models.PositiveSmallIntegerField(
        "days after an event that practitioners' links keep working", default=90
    )
    # The partnership's own targets for its statutory clocks: editable, and not time limits set in law.
    rapid_review_working_days = models.PositiveSmallIntegerField(
        "CSPR rapid review (working days after the serious incident was notified)",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(250)],
    )
    cspr_completion_months = models.PositiveSmallIntegerField(
        "CSPR completed and published (months after it was commissioned)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    sar_decision_working_days = models.PositiveSmallIntegerField(
        "SAR decision on the referral (working days after it was received)",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(250)],
    )
    sar_completion_months = models.PositiveSmallIntegerField(
        "SAR completed (months after it was commissioned)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    retention_days = models.PositiveSmallIntegerField(
        "days after a review closes that practitioners' details, links, confidential files and comments are kept",
        default=365,
        validators=[MinValueValidator(30), MaxValueValidator(7305)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def event_reminder_day_list(self):
        return sorted(
            {int(part) for part in self.event_reminder_days.split(",") if part.strip().isdigit()}, reverse=True
        )

    def role_of(self, user):
        """The user's role here, or None: asked of the database once per user for this instance.

        Staff pages ask it several times a request (the view, the navigation, the notes check), always
        of the partnership the request loaded, so the answer lives as long as that request.
        """
        roles = self.__dict__.setdefault("_roles_by_user", {})
        if user.pk not in roles:
            roles[user.pk] = self.memberships.filter(user=user).order_by().values_list("role", flat=True).first()
        return roles[user.pk]

    def remember_role(self, user, role):
        """Record the user's role (or None), already read with this partnership, for role_of."""
        self.__dict__.setdefault("_roles_by_user", {})[user.pk] = role

    def remembered_role(self, user):
        """The user's role if role_of has already read it for this instance; None if not (or if they have none)."""
        return self.__dict__.get("_roles_by_user", {}).get(user.pk)


class MembershipQuerySet(models.QuerySet):
    def business_managers(self):
        return self.filter(role=Membership.Role.BUSINESS_MANAGER)

    def reviewers(self):
        return self.filter(role=Membership.Role.REVIEWER)


class Membership(models.Model):
    class Role(models.TextChoices):
        BUSINESS_MANAGER = "business_manager", "Business manager"
        REVIEWER = "reviewer", "Independent reviewer"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="one_membership_per_partnership"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.partnership})"


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only")

    def delete(self):
        raise TypeError("The audit log is append-only")


class AuditEntry(models.Model):
    """One thing that happened: who, what, when, from where. Never a token or a document's text."""

    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["partnership", "-created_at"], name="audit_by_partnership")]
        constraints = [models.CheckConstraint(condition=~Q(action=""), name="audit_action_not_blank")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only")


class ReviewQuerySet(models.QuerySet):
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
    incident_notified_on = models.DateField("serious incident notified", null=True, blank=True)
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
        from reviews import crypto

        return crypto.decrypt(self.subject_name_encrypted) if self.subject_name_encrypted else ""

    def set_subject_name(self, name):
        from reviews import crypto

        self.subject_name_encrypted = crypto.encrypt(name.strip()) if name.strip() else ""

    def next_status(self):
        order = list(self.Status)
        index = order.index(self.status)
        return order[index + 1] if index + 1 < len(order) else None


class LearningTheme(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="learning_themes")
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

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

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "review_type"], name="one_factsheet_per_review_type"),
        ]

    def __str__(self):
        return f"{self.partnership} {self.get_review_type_display()} factsheet (version {self.version})"
