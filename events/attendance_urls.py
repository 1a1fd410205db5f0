from django.urls import path

from events import attendance_views

urlpatterns = [
    path(
        "p/<slug:slug>/events/<int:event_id>/attendance/",
        attendance_views.attendance_register,
        name="attendance_register",
    ),
    path(
        "p/<slug:slug>/events/<int:event_id>/attendance/register.pdf",
        attendance_views.attendance_register_pdf,
        name="attendance_register_pdf",
    ),
    path(
        "p/<slug:slug>/events/<int:event_id>/thank-you/",
        attendance_views.thank_you_send,
        name="thank_you_send",
    ),
    path(
        "p/<slug:slug>/events/<int:event_id>/feedback/",
        attendance_views.feedback_summary,
        name="feedback_summary",
    ),
    # Two segments: config/urls.py includes events.urls first, whose "invitation/<str:token>/" would take
    # "invitation/feedback/" as a token.
    path("invitation/feedback/form/", attendance_views.invitation_feedback, name="invitation_feedback"),
]
