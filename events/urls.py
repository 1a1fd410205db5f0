from django.urls import path

from events import views

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
