import uuid

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.functional import cached_property

from core import names
from core.crypto import EncryptedTextField
from core.links import LinkQuerySet, PersonalLink
from core.reading import TermsReader
from core.stamps import StampedQuerySet
from core.versions import NumberedVersion

# Events still open to invitations and replies: drafts and those whose invitations have gone.
EVENT_IS_OPEN = Q(status__in=["draft", "invitations_sent"])


class EventQuerySet(StampedQuerySet):
    def visible_to(self, user, partnership=None):
        from reviews.models import Review

        return self.filter(review__in=Review.objects.visible_to(user, partnership))

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).exclude(status=Event.Status.CANCELLED)


class Event(models.Model):
    """A practitioner event of a review, chaired by its reviewer."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid (in person and online)"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        INVITATIONS_SENT = "invitations_sent", "Invitations sent"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    review = models.ForeignKey("reviews.Review", on_delete=models.PROTECT, related_name="events")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.IN_PERSON)
    venue_name = models.CharField("venue", max_length=200, blank=True)
    venue_address = models.TextField("venue address", blank=True)
    access_information = models.TextField(blank=True)
    # Only an http or https address (events.services.check_joining_link), and only ever shown to those who accept.
    joining_link = models.CharField("joining link", max_length=2000, blank=True)
    joining_details = models.TextField("online joining details", blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="chaired_events"
    )
    facilitator = models.CharField(max_length=150, blank=True)
    capacity = models.PositiveSmallIntegerField()
    rsvp_deadline = models.DateField("reply by")
    learning_themes = models.ManyToManyField(
        "reviews.LearningTheme", through="EventTheme", blank=True, related_name="events"
    )
    agenda = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="event_capacity_positive"),
            models.CheckConstraint(
                condition=Q(joining_link="")
                | Q(joining_link__startswith="https://")
                | Q(joining_link__startswith="http://"),
                name="event_joining_link_is_web_address",
            ),
        ]
        indexes = [
            # The reminder sweep looks for open events whose reply-by date or start is close.
            models.Index(fields=["rsvp_deadline"], name="event_open_by_reply_date", condition=EVENT_IS_OPEN),
            models.Index(fields=["starts_at"], name="event_open_by_start", condition=EVENT_IS_OPEN),
        ]

    def __str__(self):
        return self.title

    @property
    def partnership(self):
        return self.review.partnership

    @property
    def when(self):
        """As people in England write it: "Tuesday 8 December 2026, 10am to 1pm"."""
        from core.formatting import format_when

        return format_when(self.starts_at, self.ends_at)

    @property
    def venue_address_one_line(self):
        return ", ".join(line.strip() for line in self.venue_address.splitlines() if line.strip())

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_hybrid(self):
        return self.format == self.Format.HYBRID

    def joining_of(self, invitation):
        """How an invitee joins this event: in the room or online; blank if they are not attending.

        Only a hybrid event asks; someone who accepted before the event became hybrid has not said,
        and is counted in the room until they do.
        """
        if invitation.status != Invitation.Status.ACCEPTED:
            return ""
        if self.format == self.Format.IN_PERSON:
            return Invitation.Joining.IN_ROOM
        if self.format == self.Format.ONLINE:
            return Invitation.Joining.ONLINE
        return invitation.joining

    def taking_places(self):
        """Those attending who take one of the places: at a hybrid event, only those in the room count."""
        accepted = self.invitations.accepted()
        if self.is_hybrid:
            return accepted.exclude(joining=Invitation.Joining.ONLINE)
        return accepted

    def joining_counts(self):
        """For a hybrid event: how many attend in the room, online, and without saying which."""
        counts = dict(
            self.invitations.accepted()
            .order_by()
            .values_list("joining")
            .annotate(n=Count("id"))
            .values_list("joining", "n")
        )
        return {
            "in_room": counts.get(Invitation.Joining.IN_ROOM, 0),
            "online": counts.get(Invitation.Joining.ONLINE, 0),
            "not_said": counts.get("", 0),
        }

    def shared_themes(self):
        """The learning themes the reviewer lets invitees see: the only ones that ever reach a practitioner."""
        from reviews.models import LearningTheme

        if self.pk is None:  # a sample event, never saved, as the previews of every email use
            return LearningTheme.objects.none()
        # One filter() call, so both conditions hold on the same link row.
        return LearningTheme.objects.filter(event_links__event=self, event_links__shareable=True)

    @cached_property
    def reviewer_name(self):
        """Who chairs the event as practitioners are told it: the chair, or else the review's reviewers."""
        if self.chair is not None:
            return self.chair.full_name
        if self.review.pk is None:  # a sample review, never saved: no reviewers to name
            return ""
        names = [user.full_name for user in self.review.reviewers.order_by("full_name")]
        return " and ".join(filter(None, [", ".join(names[:-1]), *names[-1:]]))

    def reply_counts(self):
        counts = dict(
            self.invitations.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        return {status: counts.get(status, 0) for status in Invitation.Status.values}


class EventTheme(models.Model):
    """A learning theme an event explores; `shareable` once the reviewer lets invitees see it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="theme_links")
    # The column names of the table Django made for the plain many-to-many this model took over.
    theme = models.ForeignKey(
        "reviews.LearningTheme", on_delete=models.CASCADE, db_column="learningtheme_id", related_name="event_links"
    )
    shareable = models.BooleanField("invitees may see it", default=False)

    objects = StampedQuerySet.as_manager()

    class Meta:
        db_table = "events_event_learning_themes"
        unique_together = [("event", "theme")]

    def __str__(self):
        return f"{self.theme} at {self.event}"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    WITH_MANAGER = "with_manager", "Attended with their manager"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


class InvitationQuerySet(LinkQuerySet):
    def awaiting_reply(self):
        return self.filter(status=Invitation.Status.INVITED)

    def accepted(self):
        return self.filter(status=Invitation.Status.ACCEPTED)

    def not_yet_invited(self):
        return self.filter(status=Invitation.Status.NOT_SENT)


class Invitation(PersonalLink):
    """One practitioner at one event, with their personal link (rotating it, "resend link", revokes the old one)."""

    link_purpose = "invitation"

    class Status(models.TextChoices):
        NOT_SENT = "not_sent", "Not invited yet"
        INVITED = "invited", "Invited, no reply"
        ACCEPTED = "accepted", "Attending"
        DECLINED = "declined", "Not attending"

    class Joining(models.TextChoices):
        IN_ROOM = "in_room", "In the room"
        ONLINE = "online", "Online"

    class Source(models.TextChoices):
        DIRECTORY = "directory", "From the directory"
        NOMINATION = "nomination", "Nominated by their agency"
        NEW = "new", "Added as a new person"
        SUGGESTED = "suggested", "Suggested by a colleague who cannot attend"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    practitioner = models.ForeignKey("practitioners.Practitioner", on_delete=models.PROTECT, related_name="invitations")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NOT_SENT)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.DIRECTORY)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    suggested_colleague_name = models.CharField(max_length=150, blank=True)
    suggested_colleague_email = models.EmailField(blank=True)
    access_needs = models.TextField(blank=True)
    # At a hybrid event, whether someone attending joins in the room or online.
    joining = models.CharField("joining in the room or online", max_length=8, choices=Joining.choices, blank=True)
    line_manager_attending = models.BooleanField(null=True, blank=True)
    # The practitioner asked for their line manager or agency safeguarding lead to be told they are taking part.
    tell_agency = models.BooleanField("tell their own agency", default=False)
    calendar_sequence_sent = models.PositiveIntegerField(null=True, blank=True)
    # Each reply changes this invitee's own calendar entry (the joining link comes with acceptance): the
    # entry's SEQUENCE is the event's sequence plus this, so it rises with every file they are sent.
    calendar_revision = models.PositiveIntegerField(default=0)
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    # When the invitee last said they cannot come, and last changed what they need: the daily digest
    # reports each of these moments once.
    declined_at = models.DateTimeField(null=True, blank=True)
    access_needs_changed_at = models.DateTimeField(null=True, blank=True)
    # The business manager has arranged what the invitee needs; cleared when the invitee changes their needs.
    access_needs_arranged_at = models.DateTimeField(null=True, blank=True)
    access_needs_arranged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    access_needs_arranged_note = models.TextField(blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta(PersonalLink.Meta):
        ordering = ["practitioner__full_name", "id"]
        constraints = [
            *PersonalLink.Meta.constraints,
            models.UniqueConstraint(fields=["event", "practitioner"], name="one_invitation_per_person"),
            models.CheckConstraint(
                condition=Q(joining="") | Q(status="accepted"), name="invitation_joining_only_when_attending"
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status"], name="invitation_by_status"),
            # The reminder sweep reads, for the few events it is due at, the invitations still waiting
            # for a reply and those attending, with links not stopped (it checks the expiry too).
            models.Index(
                fields=["event", "token_expires_at"],
                name="invitation_awaiting_live",
                condition=Q(status="invited", token_revoked_at__isnull=True),
            ),
            models.Index(
                fields=["event", "token_expires_at"],
                name="invitation_attending_live",
                condition=Q(status="accepted", token_revoked_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.practitioner} at {self.event}"

    def link_partnership(self):
        return self.event.review.partnership


class FeedbackResponse(models.Model):
    """An attendee's answers after the event. Kept without any link to who gave them."""

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    safe_space = models.CharField("felt it was a safe space", max_length=6, choices=Answer.choices)
    felt_heard = models.CharField("felt heard", max_length=6, choices=Answer.choices)
    what_would_help = models.TextField(blank=True)
    submitted_on = models.DateField(default=timezone.localdate)

    objects = StampedQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_on", "-id"]

    def __str__(self):
        return f"Feedback on {self.event}"


class ReviewerNoteQuerySet(StampedQuerySet):
    def readable_by(self, user):
        """Notes only the review's own reviewers may read: not a business manager, not a superuser."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(review__reviewers=user, review__partnership__memberships__user=user).distinct()


class ReviewerNote(models.Model):
    """A reviewer's private note for their own memory, on a review or one of its events."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="reviewer_notes")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="reviewer_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = EncryptedTextField()
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewerNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self):
        return f"Reviewer note {self.pk}"


class SummaryVersion(NumberedVersion):
    """One version of the reviewer's confidential pre-event summary for an event.

    Its body_html is sanitised HTML (written, or converted from a Word document); empty for a PDF.
    """

    class Source(models.TextChoices):
        WRITTEN = "written", "Written in Convene"
        PDF = "pdf", "Uploaded PDF"
        DOCX = "docx", "Uploaded Word document"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="summary_versions")
    source = models.CharField(max_length=8, choices=Source.choices)
    file = models.FileField(upload_to="summaries/", blank=True)

    objects = StampedQuerySet.as_manager()

    class Meta(NumberedVersion.Meta):
        constraints = [models.UniqueConstraint(fields=["event", "number"], name="one_summary_version_number")]

    def __str__(self):
        return f"Summary version {self.number} for {self.event}"

    @property
    def unit(self):
        """What the names check's numbers count: "paragraph" or "page"."""
        return "page" if self.source == self.Source.PDF else "paragraph"


class SummaryNameHit(names.NameHit):
    """A place where a summary version seems to name a person: it is not released until each is dealt with."""

    version = models.ForeignKey(SummaryVersion, on_delete=models.CASCADE, related_name="name_hits")

    objects = StampedQuerySet.as_manager()

    class Meta(names.NameHit.Meta):
        indexes = [models.Index(fields=["version", "status"])]


class SummaryRelease(models.Model):
    """A version released to the event's accepted invitees from a date, until access closes."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="summary_release")
    version = models.ForeignKey(SummaryVersion, on_delete=models.PROTECT, related_name="releases")
    available_from = models.DateTimeField()
    closes_at = models.DateTimeField()
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    released_at = models.DateTimeField(default=timezone.now)

    objects = StampedQuerySet.as_manager()

    def __str__(self):
        return f"Summary release for {self.event}"


class SummaryReader(TermsReader):
    """One invitee's access to a released summary: terms accepted (`terms_accepted_at`), reads, and withdrawal."""

    release = models.ForeignKey(SummaryRelease, on_delete=models.CASCADE, related_name="readers")
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="summary_access")
    first_read_at = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)
    read_count = models.PositiveIntegerField(default=0)
    download_count = models.PositiveIntegerField(default=0)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = StampedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["release", "invitation"], name="one_summary_reader_per_invitee")]

    def __str__(self):
        return f"{self.invitation.practitioner} reading {self.release}"


class PossibleWitness(models.Model):
    """An invitee who may be a witness in criminal proceedings or an inquest.

    They are not invited, nor given the confidential summary, until the police or prosecution
    liaison's agreement is recorded.
    """

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="witness")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)
    liaison_name = models.CharField("liaison's name", max_length=150, blank=True)
    liaison_organisation = models.CharField("liaison's organisation", max_length=200, blank=True)
    agreed_on = models.DateField("date of the agreement", null=True, blank=True)
    agreement_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreement_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = StampedQuerySet.as_manager()

    class Meta:
        constraints = [
            # An agreement is recorded whole (who, from where, when) or not at all.
            models.CheckConstraint(
                condition=Q(agreed_on__isnull=True, liaison_name="", liaison_organisation="")
                | (Q(agreed_on__isnull=False) & ~Q(liaison_name="") & ~Q(liaison_organisation="")),
                name="witness_agreement_whole",
            ),
        ]

    def __str__(self):
        return f"Possible witness: {self.invitation}"

    @property
    def agreed(self):
        return self.agreed_on is not None


class ReplyDigest(models.Model):
    """One day's digest of new access needs, declines and missing replies, for a partnership's business managers."""

    partnership = models.ForeignKey("core.Partnership", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Reply digest {self.pk}"


class ReplyDigestItem(models.Model):
    """Something a digest reported, so that no later digest reports it again."""

    class Kind(models.TextChoices):
        ACCESS_NEEDS = "access_needs", "New access needs"
        DECLINED = "declined", "Cannot attend"
        NO_REPLY = "no_reply", "No reply by the reply-by date"

    digest = models.ForeignKey(ReplyDigest, on_delete=models.CASCADE, related_name="items")
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Which moment of the invitation this reports: the time of the decline or the change of needs,
    # or the reply-by date that passed without a reply.
    moment = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invitation", "kind", "moment"], name="reply_digest_item_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.invitation_id}"


class CalendarFeed(models.Model):
    """A member of staff's personal address for the partnership's events in their own calendar.

    Only the SHA-256 of the address's secret is kept; resetting it gives a new secret, and the old
    address stops working at once.
    """

    partnership = models.ForeignKey("core.Partnership", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "user"], name="one_calendar_feed_per_person")]

    def __str__(self):
        return f"Calendar feed of {self.user} for {self.partnership}"
