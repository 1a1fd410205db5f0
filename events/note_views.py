"""A reviewer's private notes on a review and its events. Anyone else gets 404 for every page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from events import note_deletion, notes
from events.note_forms import NoteForm
from reviews import holds


def _posted(request):
    return request.POST if request.method == "POST" else None


def _back_to_list(request, review_id, event_id):
    if event_id is not None:
        return redirect("events:event_notes", request.partnership.slug, event_id)
    return redirect("events:review_notes", request.partnership.slug, review_id)


def _notes_page(request, review, event):
    listed = list(notes.notes_of(request.user, review, event))
    notes.record_list_viewed(request, review, event, listed)
    signed_off = note_deletion.signed_off_reviews().filter(pk=review.pk).first()
    return render(
        request,
        "events/notes/note_list.html",
        {
            "partnership": request.partnership,
            "review": review,
            "event": event,
            "notes": listed,
            "delete_on": note_deletion.deletion_date(signed_off) if signed_off else None,
            "legal_hold": holds.standing_hold(review),
        },
    )


def _add_page(request, review, event):
    form = NoteForm(_posted(request), submit_label="Save the note")
    if request.method == "POST" and form.is_valid():
        note = notes.create_note(
            review=review,
            event=event,
            author=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            request=request,
        )
        messages.success(request, "Your note is saved.")
        return redirect("events:note_detail", request.partnership.slug, note.pk)
    return render(
        request,
        "events/notes/note_form.html",
        {"partnership": request.partnership, "review": review, "event": event, "note": None, "form": form},
    )


@never_cache
@login_required
def review_notes(request, slug, review_id):
    return _notes_page(request, notes.notes_review_for(request, slug, review_id), None)


@never_cache
@login_required
def event_notes(request, slug, event_id):
    event = notes.notes_event_for(request, slug, event_id)
    return _notes_page(request, event.review, event)


@never_cache
@login_required
def review_note_add(request, slug, review_id):
    return _add_page(request, notes.notes_review_for(request, slug, review_id), None)


@never_cache
@login_required
def event_note_add(request, slug, event_id):
    event = notes.notes_event_for(request, slug, event_id)
    return _add_page(request, event.review, event)


@never_cache
@login_required
def note_detail(request, slug, note_id):
    note = notes.note_for(request, slug, note_id)
    notes.record_viewed(request, note)
    return render(request, "events/notes/note_detail.html", {"partnership": request.partnership, "note": note})


@never_cache
@login_required
def note_edit(request, slug, note_id):
    note = notes.note_for(request, slug, note_id)
    initial = {"title": note.title, "body": note.body}
    form = NoteForm(_posted(request), initial=initial, submit_label="Save the changes")
    if request.method == "POST" and form.is_valid():
        notes.update_note(note, title=form.cleaned_data["title"], body=form.cleaned_data["body"], request=request)
        messages.success(request, "Your note is saved.")
        return redirect("events:note_detail", slug, note.pk)
    if request.method == "GET":
        # The form shows the note's text, so opening it is a read.
        notes.record_viewed(request, note)
    return render(
        request,
        "events/notes/note_form.html",
        {"partnership": request.partnership, "review": note.review, "event": note.event, "note": note, "form": form},
    )


@never_cache
@login_required
def note_delete(request, slug, note_id):
    note = notes.note_for(request, slug, note_id)
    if request.method == "POST":
        review_id, event_id = note.review_id, note.event_id
        notes.delete_note(note, request=request)
        messages.success(request, "The note is deleted.")
        return _back_to_list(request, review_id, event_id)
    return render(request, "events/notes/note_delete.html", {"partnership": request.partnership, "note": note})
