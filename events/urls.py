from django.urls import path

from events import invitation_views, pdfs, views

urlpatterns = [
    path("p/<slug:slug>/reviews/<int:review_id>/events/new/", views.event_add, name="event_add"),
    path("p/<slug:slug>/events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("p/<slug:slug>/events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("p/<slug:slug>/events/<int:event_id>/cancel/", views.event_cancel, name="event_cancel"),
    path("p/<slug:slug>/events/<int:event_id>/invitees/add/", views.invitee_add, name="invitee_add"),
    path("p/<slug:slug>/events/<int:event_id>/invitees/new/", views.invitee_add_new, name="invitee_add_new"),
    path(
        "p/<slug:slug>/events/<int:event_id>/invitees/<int:invitation_id>/remove/",
        views.invitee_remove,
        name="invitee_remove",
    ),
]

urlpatterns += [
    path("p/<slug:slug>/events/<int:event_id>/send/", views.event_send, name="event_send"),
    path("p/<slug:slug>/events/<int:event_id>/sending/", views.event_sending, name="event_sending"),
    path("p/<slug:slug>/events/<int:event_id>/replies.csv", views.event_replies_csv, name="event_replies_csv"),
    path(
        "p/<slug:slug>/events/<int:event_id>/invitees/<int:invitation_id>/",
        views.invitee_detail,
        name="invitee_detail",
    ),
    path(
        "p/<slug:slug>/events/<int:event_id>/invitees/<int:invitation_id>/new-link/",
        views.invitee_resend_link,
        name="invitee_resend_link",
    ),
    path(
        "p/<slug:slug>/events/<int:event_id>/invitees/<int:invitation_id>/stop-link/",
        views.invitee_revoke_link,
        name="invitee_revoke_link",
    ),
    path("p/<slug:slug>/events/<int:event_id>/emails/<int:message_id>/retry/", views.email_retry, name="email_retry"),
]

urlpatterns += [
    path(
        "p/<slug:slug>/events/<int:event_id>/sign-in-sheet.pdf",
        pdfs.event_sign_in_sheet,
        name="event_sign_in_sheet",
    ),
]

urlpatterns += [
    path("invitation/", invitation_views.invitation_page, name="invitation_page"),
    path("invitation/calendar.ics", invitation_views.invitation_calendar, name="invitation_calendar"),
    path("invitation/factsheet.pdf", invitation_views.invitation_factsheet, name="invitation_factsheet"),
    path("invitation/new-link/", invitation_views.invitation_new_link, name="invitation_new_link"),
    path("invitation/leave/", invitation_views.invitation_leave, name="invitation_leave"),
    path("invitation/signed-out/", invitation_views.invitation_left, name="invitation_left"),
    path("invitation/<str:token>/", invitation_views.invitation_start, name="invitation_start"),
]
