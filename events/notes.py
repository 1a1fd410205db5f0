"""A reviewer's private notes: only the review's own reviewers reach them, and every touch is audited.

The audit entries carry ids only, never a note's title or text.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Value
from django.shortcuts import get_object_or_404

from core import audit
from core.access import partnership_for
from events.models import Event, ReviewerNote
from reviews.models import Review


def notes_review_for(request, slug, review_id):
    """A review whose notes the user may keep: 404 for anyone but its assigned reviewers who are members."""
    partnership = partnership_for(request, slug)
    return get_object_or_404(_reviews_with_notes_for(request.user, partnership), pk=review_id)


def notes_event_for(request, slug, event_id):
    partnership = partnership_for(request, slug)
    reviews = _reviews_with_notes_for(request.user, partnership)
    return get_object_or_404(Event.objects.select_related("review"), pk=event_id, review__in=reviews)


def note_for(request, slug, note_id):
    partnership = partnership_for(request, slug)
    return get_object_or_404(
        ReviewerNote.objects.readable_by(request.user).select_related("review", "event"),
        pk=note_id,
        review__partnership=partnership,
    )


def _reviews_with_notes_for(user, partnership):
    # The same rule as ReviewerNote.objects.readable_by: assigned, and still a member. A business
    # manager or a superuser is deliberately not let in.
    return Review.objects.filter(partnership=partnership, reviewers=user, partnership__memberships__user=user)


def keeps_notes_on_its_review(user):
    """An event's annotation: whether `user` may keep notes on its review (can_keep_notes, in the event's query)."""
    if not user.is_authenticated:
        return Value(False)
    reviews = _reviews_with_notes_for(user, OuterRef("review__partnership_id")).filter(pk=OuterRef("review_id"))
    return Exists(reviews)


def can_keep_notes(user, review):
    """Whether the review page should link to the user's private notes (assigned reviewers only)."""
    return user.is_authenticated and _reviews_with_notes_for(user, review.partnership_id).filter(pk=review.pk).exists()


def notes_of(user, review, event=None):
    notes = ReviewerNote.objects.readable_by(user).filter(review=review).select_related("event")
    return notes.filter(event=event) if event is not None else notes


def record_list_viewed(request, review, event, notes):
    audit.record(
        "note.viewed",
        request=request,
        partnership=review.partnership,
        obj=event or review,
        note_ids=[note.pk for note in notes],
    )


def record_viewed(request, note):
    audit.record("note.viewed", request=request, partnership=note.review.partnership, obj=note, **_ids(note))


def create_note(*, review, event=None, author, title, body, request=None):
    """Save a new private note for the author, on the review or one of its events."""
    with transaction.atomic():
        note = ReviewerNote.objects.create(review=review, event=event, author=author, title=title, body=body)
        audit.record(
            "note.created", request=request, actor=author, partnership=review.partnership, obj=note, **_ids(note)
        )
    return note


def update_note(note, *, title, body, request=None):
    with transaction.atomic():
        note.title = title
        note.body = body
        note.save(update_fields=["title", "body", "updated_at"])
        audit.record("note.updated", request=request, partnership=note.review.partnership, obj=note, **_ids(note))
    return note


def delete_note(note, *, request=None):
    with transaction.atomic():
        audit.record("note.deleted", request=request, partnership=note.review.partnership, obj=note, **_ids(note))
        note.delete()


def _ids(note):
    return {"review_id": note.review_id, "event_id": note.event_id}
