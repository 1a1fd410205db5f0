"""What the directory and the agencies' nominations keep about people, for the retention schedule
(see reviews.retention)."""

from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError

from core import audit, links
from core.retention import (
    AUTOMATIC,
    REMOVED_EMAIL,
    REMOVED_NAME,
    PartnershipData,
    ReviewData,
)
from practitioners.models import Nomination, NominationRequest, Practitioner

# Where a review points at directory practitioners: (model with a `practitioner`, its path to the review,
# whether its rows must be kept, so that a practitioner it points at is anonymised rather than deleted).
# The apps above add theirs (events: invitations; reports: those asked to check the draft).
PRACTITIONER_LINKS = [(Nomination, "request__review", False)]


def link_practitioners(model, review_path, *, keeps_row):
    """Tell the directory's purge that `model` rows point at practitioners for the review at `review_path`."""
    PRACTITIONER_LINKS.append((model, review_path, keeps_row))


class NominationData(ReviewData):
    labels = {
        "nominations": ("nomination", "nominations"),
        "nomination_links": ("nomination link", "nomination links"),
    }

    def left(self, review):
        return {
            "nominations": Nomination.objects.filter(request__review=review).filter(
                ~Q(full_name=REMOVED_NAME) | Q(practitioner__isnull=False)
            ),
            "nomination_links": NominationRequest.objects.filter(review=review, token_hash__isnull=False),
        }

    def remove(self, review, left, now):
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
        links.revoke_all(left["nomination_links"], now)
        left["nomination_links"].update(token_hash=None)


def _linked_practitioners(reviews, among=None):
    """Ids of directory practitioners linked to `reviews`; given `among`, those of them linked elsewhere."""
    ids = set()
    for model, review_path, _ in PRACTITIONER_LINKS:
        queryset = model.objects.filter(practitioner__isnull=False)
        lookup = f"{review_path}__in"
        if among is None:
            queryset = queryset.filter(**{lookup: reviews})
        else:
            queryset = queryset.filter(practitioner_id__in=among).exclude(**{lookup: reviews})
        ids.update(queryset.values_list("practitioner_id", flat=True))
    return ids


def _anonymise(practitioners):
    Practitioner.objects.filter(pk__in=[p.pk for p in practitioners]).update(
        full_name=REMOVED_NAME,
        job_title="",
        email="",
        phone="",
        line_manager_name="",
        line_manager_email="",
    )


def _words(deleted, anonymised):
    return f"Directory practitioners: {deleted} deleted, {anonymised} anonymised", deleted + anonymised


class DirectoryData(PartnershipData):
    """Directory practitioners whom only purged reviews still point at go (or lose their details)."""

    def plan(self, partnership, reviews):
        """(to delete, to anonymise)."""
        linked = _linked_practitioners(reviews)
        ids = linked - _linked_practitioners(reviews, among=linked)
        candidates = (
            Practitioner.objects.filter(partnership=partnership, pk__in=ids)
            .exclude(full_name=REMOVED_NAME, email="")
            .order_by("pk")
        )
        kept = set()
        for model, _, keeps_row in PRACTITIONER_LINKS:
            if keeps_row:
                kept.update(model.objects.filter(practitioner__in=candidates).values_list("practitioner_id", flat=True))
        to_delete = [p for p in candidates if p.pk not in kept]
        to_anonymise = [p for p in candidates if p.pk in kept]
        return to_delete, to_anonymise

    def counts(self, plan):
        to_delete, to_anonymise = plan
        return _words(len(to_delete), len(to_anonymise))

    def remove(self, partnership, plan):
        to_delete, to_anonymise = plan[0], list(plan[1])
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
        return _words(deleted, len(to_anonymise))
