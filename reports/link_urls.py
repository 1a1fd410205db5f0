"""Checking the draft, by a checker's personal link."""

from django.urls import path

from reports import circulation_views

app_name = "draft"

urlpatterns = [
    path("terms/", circulation_views.draft_terms, name="terms"),
    path("read/", circulation_views.draft_read, name="read"),
    path("download/", circulation_views.draft_download, name="download"),
    path("send/", circulation_views.draft_submit, name="submit"),
    path("no-comments/", circulation_views.draft_no_comments, name="no_comments"),
    path("comments/add/", circulation_views.draft_comment_add, name="comment_add"),
    path("comments/<int:comment_id>/edit/", circulation_views.draft_comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", circulation_views.draft_comment_delete, name="comment_delete"),
    # Last: a token is one segment, so any one-word page above must come first.
    path("<str:token>/", circulation_views.draft_link, name="start"),
]
