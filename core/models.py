from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.stamps import StampedQuerySet


class UserManager(BaseUserManager.from_queryset(StampedQuerySet)):
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


class PartnershipQuerySet(StampedQuerySet):
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
    access_needs_close_working_days = models.PositiveSmallIntegerField(
        "requests for adjustments close (working days before the event)",
        default=5,
        validators=[MaxValueValidator(60)],
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
    publication_notice_working_days = models.PositiveSmallIntegerField(
        "working days the final report goes to the national panel and others before it is published",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    final_report_recipients = models.TextField(
        "who else receives the final report before publication, besides the national panel", blank=True
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


class MembershipQuerySet(StampedQuerySet):
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
