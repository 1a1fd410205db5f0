"""Retention: what a closed review keeps about people once the partnership's retention period ends.

A set number of days (Partnership.retention_days) after a review closes, a daily sweep:
- takes the personal details and links off its invitations, and the addresses and bodies off the
  emails sent to its invitees, to those asked to check its draft, to those told it was published,
  and to its action leads and owners;
- deletes its summary versions' content and files, its draft report versions' content and files
  (never the signed-off version), the event factsheet PDFs kept in file storage, and the names the
  anonymisation check found;
- anonymises those asked to check the draft and closes their links, and erases their comments'
  text and corrections (the reviewer's response stays, as the record of how each was resolved);
- deletes the evidence files of action updates, takes names off them, and closes the agencies'
  action-plan links;
- anonymises the agencies' nominations and closes the nomination links;
- deletes directory practitioners no review still in its retention period needs (or anonymises
  them when an invitation still points at them).
Anonymous feedback, the signed-off report and its publication are kept. Each review's purge is
audited with counts only. A run finds only what is left to remove, so a second run does nothing.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from celery import shared_task
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import CharField, Max, ProtectedError, Q, RestrictedError, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from actions.models import Action, ActionUpdate, AgencyLink
from core import audit
from core.models import Partnership
from events.models import Event, Invitation, SummaryVersion
from notifications.models import OutboundMessage
from practitioners.models import Nomination, NominationRequest, Practitioner
from reports.models import Checker, Comment, NameHit, ReportVersion, SignOff
from reviews.models import Review

AUTOMATIC = "Convene (retention schedule)"
REMOVED_NAME = "Name removed"
REMOVED_DOMAIN = "removed.invalid"  # a reserved domain: nothing is ever delivered there
REMOVED_EMAIL = f"removed@{REMOVED_DOMAIN}"
# Link hashes are 64 hexadecimal characters: a value with this prefix can never match a token.
REMOVED_LINK = "removed-"

# What each count is (one, several), in the order the command prints them.
LABELS = {
    "invitations": ("invitation with personal details or a link", "invitations with personal details or a link"),
    "emails": ("email to an invitee", "emails to invitees"),
    "other_emails": (
        "email about the draft report, its publication or the action plan",
        "emails about the draft report, its publication or the action plan",
    ),
    "summary_versions": ("summary version", "summary versions"),
    "report_versions": ("draft report version", "draft report versions"),
    "name_hits": ("name found by the anonymisation check", "names found by the anonymisation check"),
    "checkers": ("person asked to check the draft", "people asked to check the draft"),
    "comments": ("factual-accuracy comment", "factual-accuracy comments"),
    "action_updates": ("action update with evidence or a name", "action updates with evidence or a name"),
    "agency_links": ("agency action-plan link", "agency action-plan links"),
    "nominations": ("nomination", "nominations"),
    "nomination_links": ("nomination link", "nomination links"),
    "files": ("stored file", "stored files"),
}


@dataclass
class ReviewPurge:
    review: Review
    closed_on: date
    counts: dict

    @property
    def total(self):
        return sum(self.counts.values())

    def describe(self):
        parts = [f"{n} {LABELS[key][n != 1]}" for key, n in self.counts.items() if n]
        return ", ".join(parts) or "nothing left to remove"


@dataclass
class PartnershipPurge:
    partnership: Partnership
    reviews: list = field(default_factory=list)
    practitioners_deleted: int = 0
    practitioners_anonymised: int = 0

    @property
    def total(self):
        return sum(purge.total for purge in self.reviews) + self.practitioners_deleted + self.practitioners_anonymised


def closed_reviews():
    """Closed reviews, each with `closed_at`: when it moved to "closed"."""
    return (
        Review.objects.filter(status=Review.Status.CLOSED)
        .annotate(closed_at=Max("status_changes__changed_at", filter=Q(status_changes__to_status=Review.Status.CLOSED)))
        .filter(closed_at__isnull=False)
        .select_related("partnership")
        .order_by("partnership_id", "closed_at", "pk")
    )


def purge_date(review):
    """The day (UK time) the review's personal data is due to go."""
    return timezone.localdate(review.closed_at) + timedelta(days=review.partnership.retention_days)


def due_reviews(today):
    """Closed reviews whose retention period has ended, grouped by partnership."""
    grouped = {}
    for review in closed_reviews():
        if purge_date(review) <= today:
            grouped.setdefault(review.partnership, []).append(review)
    return grouped


def _not_blank(*names):
    condition = Q()
    for name in names:
        condition |= ~Q(**{name: ""})
    return condition


# Emails about a review that no invitation points at: each key starts "<purpose>:<id>", the id being
# that of one of the review's checkers, agency links or actions, or of the review itself.
KEYED_EMAILS = {
    "draft-circulated": "checkers",
    "draft-reminder": "checkers",
    "draft-link": "checkers",
    "reminder:draft": "checkers",
    "report-published": "review",
    "action_link": "agency_links",
    "reminder:action_overdue": "actions",
}
KEYED_EMAIL_RE = re.compile(rf"({'|'.join(map(re.escape, KEYED_EMAILS))}):(\d+)(?::.*)?")


def _keyed_emails(review):
    """The review's emails to those who checked its draft, were told of its publication, or lead or own its actions."""
    ids = {
        "checkers": set(Checker.objects.filter(circulation__review=review).values_list("pk", flat=True)),
        "review": {review.pk},
        "agency_links": set(AgencyLink.objects.filter(review=review).values_list("pk", flat=True)),
        "actions": set(Action.objects.filter(recommendation__review=review).values_list("pk", flat=True)),
    }
    keyed = Q()
    for purpose in KEYED_EMAILS:
        keyed |= Q(idempotency_key__startswith=f"{purpose}:")
    candidates = (
        OutboundMessage.objects.filter(partnership_id=review.partnership_id)
        .filter(keyed)
        .exclude(recipient=REMOVED_EMAIL)
        .values_list("pk", "idempotency_key")
    )
    found = []
    for pk, key in candidates:
        match = KEYED_EMAIL_RE.fullmatch(key)
        if match and int(match[2]) in ids[KEYED_EMAILS[match[1]]]:
            found.append(pk)
    return OutboundMessage.objects.filter(pk__in=found).exclude(recipient=REMOVED_EMAIL)


def _left_to_remove(review):
    """For each kind of row, a queryset of the review's rows that still hold something to remove."""
    signed_off = SignOff.objects.filter(review=review).values("version_id")
    return {
        "invitations": Invitation.objects.filter(event__review=review).filter(
            Q(token_hash__isnull=False)
            | _not_blank("decline_reason", "suggested_colleague_name", "suggested_colleague_email", "access_needs")
        ),
        "emails": OutboundMessage.objects.filter(invitation__event__review=review).exclude(recipient=REMOVED_EMAIL),
        "other_emails": _keyed_emails(review),
        "summary_versions": SummaryVersion.objects.filter(event__review=review).filter(
            _not_blank("file", "body_html", "original_filename")
        ),
        "report_versions": ReportVersion.objects.filter(review=review)
        .exclude(pk__in=signed_off)
        .filter(_not_blank("file", "body_html", "original_filename")),
        "name_hits": NameHit.objects.filter(version__review=review).filter(_not_blank("matched", "context")),
        "checkers": Checker.objects.filter(circulation__review=review).filter(
            ~Q(name=REMOVED_NAME) | ~Q(token_hash="") | Q(practitioner__isnull=False)
        ),
        "comments": Comment.objects.filter(checker__circulation__review=review).filter(
            _not_blank("text", "correction")
        ),
        "action_updates": ActionUpdate.objects.filter(action__recommendation__review=review).filter(
            _not_blank("evidence", "evidence_filename") | (~Q(author_name="") & ~Q(author_name=REMOVED_NAME))
        ),
        "agency_links": AgencyLink.objects.filter(review=review).filter(~Q(name=REMOVED_NAME) | ~Q(token_hash="")),
        "nominations": Nomination.objects.filter(request__review=review).filter(
            ~Q(full_name=REMOVED_NAME) | Q(practitioner__isnull=False)
        ),
        "nomination_links": NominationRequest.objects.filter(review=review).exclude(
            token_hash__startswith=REMOVED_LINK
        ),
    }


def _stored_files(review, left):
    """Names in file storage the purge deletes: uploads still referenced, and cached factsheets."""
    names = [
        *left["summary_versions"].exclude(file="").values_list("file", flat=True),
        *left["report_versions"].exclude(file="").values_list("file", flat=True),
        *left["action_updates"].exclude(evidence="").values_list("evidence", flat=True),
    ]
    prefixes = tuple(f"event-{pk}-" for pk in Event.objects.filter(review=review).values_list("pk", flat=True))
    if prefixes:
        try:
            cached = default_storage.listdir("factsheets")[1]
        except FileNotFoundError:
            cached = []
        names += [f"factsheets/{name}" for name in cached if name.startswith(prefixes)]
    return names


def _count(review):
    left = _left_to_remove(review)
    counts = {key: queryset.count() for key, queryset in left.items()}
    counts["files"] = len(_stored_files(review, left))
    return left, counts


def _purge_review(review, now):
    """Remove what the review still holds about people; returns the counts removed."""
    left, counts = _count(review)
    if not any(counts.values()):
        return counts
    # Files go first: if the database work then fails, the rows still name them and the next run
    # deletes them again (deleting a missing file is not an error), so nothing is left behind.
    for name in _stored_files(review, left):
        default_storage.delete(name)

    invitations = left["invitations"]
    invitations.filter(token_hash__isnull=False, token_revoked_at__isnull=True).update(token_revoked_at=now)
    invitations.update(
        token_hash=None,
        decline_reason="",
        suggested_colleague_name="",
        suggested_colleague_email="",
        access_needs="",
    )
    for emails in (left["emails"], left["other_emails"]):
        emails.filter(state__in=[OutboundMessage.State.QUEUED, OutboundMessage.State.SENDING]).update(
            state=OutboundMessage.State.FAILED, last_error="Not sent: removed under the retention schedule."
        )
        emails.update(recipient=REMOVED_EMAIL, body_text="", body_html="", attachments=[])

    left["summary_versions"].update(file="", body_html="", original_filename="")
    left["report_versions"].update(file="", body_html="", original_filename="")
    left["name_hits"].update(matched="", context="")

    checkers = left["checkers"]
    checkers.filter(token_revoked_at__isnull=True).exclude(token_hash="").update(token_revoked_at=now)
    checkers.update(
        name=REMOVED_NAME,
        # Each checker's address must differ within its circulation.
        email=Concat(Value("checker-"), Cast("pk", CharField()), Value(f"@{REMOVED_DOMAIN}")),
        token_hash="",
        practitioner=None,
    )
    left["comments"].update(text="", correction="")

    updates = left["action_updates"]
    updates.exclude(author_name="").update(author_name=REMOVED_NAME)
    ActionUpdate.objects.filter(action__recommendation__review=review).filter(
        _not_blank("evidence", "evidence_filename")
    ).update(evidence="", evidence_filename="")
    links = left["agency_links"]
    links.filter(token_revoked_at__isnull=True).update(token_revoked_at=now)
    links.update(name=REMOVED_NAME, email=REMOVED_EMAIL, token_hash="")

    left["nominations"].update(
        full_name=REMOVED_NAME,
        job_title="",
        email=REMOVED_EMAIL,
        phone="",
        involvement="",
        line_manager_name="",
        line_manager_email="",
        practitioner=None,
    )
    requests = left["nomination_links"]
    requests.filter(revoked_at__isnull=True).update(revoked_at=now)
    requests.update(token_hash=Concat(Value(REMOVED_LINK), Cast("pk", CharField())))

    audit.record(
        "retention.review_purged",
        partnership=review.partnership,
        obj=review,
        actor_label=AUTOMATIC,
        **counts,
    )
    return counts


def _linked_practitioners(reviews, among=None):
    """Ids of directory practitioners linked to `reviews`; given `among`, those of them linked elsewhere."""
    links = [
        (Invitation.objects.all(), "event__review__in"),
        (Nomination.objects.filter(practitioner__isnull=False), "request__review__in"),
        (Checker.objects.filter(practitioner__isnull=False), "circulation__review__in"),
    ]
    ids = set()
    for queryset, lookup in links:
        if among is None:
            queryset = queryset.filter(**{lookup: reviews})
        else:
            queryset = queryset.filter(practitioner_id__in=among).exclude(**{lookup: reviews})
        ids.update(queryset.values_list("practitioner_id", flat=True))
    return ids


def _practitioners_to_remove(partnership, reviews):
    """(to delete, to anonymise): directory practitioners whom only purged reviews still point at."""
    linked = _linked_practitioners(reviews)
    ids = linked - _linked_practitioners(reviews, among=linked)
    candidates = (
        Practitioner.objects.filter(partnership=partnership, pk__in=ids)
        .exclude(full_name=REMOVED_NAME, email="")
        .order_by("pk")
    )
    invited = set(Invitation.objects.filter(practitioner__in=candidates).values_list("practitioner_id", flat=True))
    to_delete = [p for p in candidates if p.pk not in invited]
    to_anonymise = [p for p in candidates if p.pk in invited]
    return to_delete, to_anonymise


def _anonymise(practitioners):
    Practitioner.objects.filter(pk__in=[p.pk for p in practitioners]).update(
        full_name=REMOVED_NAME,
        job_title="",
        email="",
        phone="",
        line_manager_name="",
        line_manager_email="",
    )


def _remove_practitioners(partnership, to_delete, to_anonymise):
    to_anonymise = list(to_anonymise)
    deleted = 0
    for practitioner in to_delete:
        try:
            with transaction.atomic():
                practitioner.delete()
            deleted += 1
        except (ProtectedError, RestrictedError):
            # Something that must be kept still points at them: keep the row, without the person.
            to_anonymise.append(practitioner)
    _anonymise(to_anonymise)
    if deleted or to_anonymise:
        audit.record(
            "retention.practitioners_removed",
            partnership=partnership,
            actor_label=AUTOMATIC,
            deleted=deleted,
            anonymised=len(to_anonymise),
        )
    return deleted, len(to_anonymise)


def run(today=None, *, dry_run=False):
    """Purge every review whose retention period has ended; with dry_run, only count.

    Returns a PartnershipPurge for each partnership with something to remove.
    """
    now = timezone.now()
    today = today or timezone.localdate(now)
    results = []
    for partnership, reviews in due_reviews(today).items():
        result = PartnershipPurge(partnership)
        if dry_run:
            for review in reviews:
                result.reviews.append(ReviewPurge(review, timezone.localdate(review.closed_at), _count(review)[1]))
            to_delete, to_anonymise = _practitioners_to_remove(partnership, reviews)
            result.practitioners_deleted, result.practitioners_anonymised = len(to_delete), len(to_anonymise)
        else:
            # One transaction for the partnership: the practitioners step needs the links the review
            # purges take away, so both happen together or not at all.
            with transaction.atomic():
                # Two sweeps at once (a second beat, or the command beside it) take turns.
                list(Review.objects.select_for_update().filter(pk__in=[review.pk for review in reviews]))
                to_delete, to_anonymise = _practitioners_to_remove(partnership, reviews)
                for review in reviews:
                    result.reviews.append(
                        ReviewPurge(review, timezone.localdate(review.closed_at), _purge_review(review, now))
                    )
                result.practitioners_deleted, result.practitioners_anonymised = _remove_practitioners(
                    partnership, to_delete, to_anonymise
                )
        result.reviews = [purge for purge in result.reviews if purge.total]
        if result.total:
            results.append(result)
    return results


@shared_task(ignore_result=True)
def apply_retention():
    """The daily sweep: remove what closed reviews keep about people once their time is up."""
    run()
