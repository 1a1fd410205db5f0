"""An invitee's pages, by their personal link."""

from django.urls import path

from events import attendance_views, invitation_views, summary_views

app_name = "invitation"

urlpatterns = [
    path("summary/terms/", summary_views.summary_terms, name="summary_terms"),
    path("summary/read/", summary_views.summary_read, name="summary_read"),
    path("summary/download/", summary_views.summary_download, name="summary_download"),
    path("feedback/form/", attendance_views.invitation_feedback, name="feedback"),
    path("", invitation_views.invitation_page, name="page"),
    path("calendar.ics", invitation_views.invitation_calendar, name="calendar"),
    path("factsheet.pdf", invitation_views.invitation_factsheet, name="factsheet"),
    path("new-link/", invitation_views.invitation_new_link, name="new_link"),
    path("leave/", invitation_views.invitation_leave, name="leave"),
    path("signed-out/", invitation_views.invitation_left, name="left"),
    # Last: a token is one segment, so any one-word page above must come first.
    path("<str:token>/", invitation_views.invitation_start, name="start"),
]
