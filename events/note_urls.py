from django.urls import path

from events import note_views

urlpatterns = [
    path("p/<slug:slug>/reviews/<int:review_id>/notes/", note_views.review_notes, name="review_notes"),
    path("p/<slug:slug>/reviews/<int:review_id>/notes/new/", note_views.review_note_add, name="review_note_add"),
    path("p/<slug:slug>/events/<int:event_id>/notes/", note_views.event_notes, name="event_notes"),
    path("p/<slug:slug>/events/<int:event_id>/notes/new/", note_views.event_note_add, name="event_note_add"),
    path("p/<slug:slug>/notes/<int:note_id>/", note_views.note_detail, name="note_detail"),
    path("p/<slug:slug>/notes/<int:note_id>/edit/", note_views.note_edit, name="note_edit"),
    path("p/<slug:slug>/notes/<int:note_id>/delete/", note_views.note_delete, name="note_delete"),
]
