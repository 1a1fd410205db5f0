from django.urls import path

from partnerships import views

urlpatterns = [
    path("account/", views.account, name="account"),
    path("session/keepalive/", views.session_keepalive, name="session_keepalive"),
    path("p/<slug:slug>/details/", views.partnership_edit, name="partnership_edit"),
    path("p/<slug:slug>/staff/", views.staff_list, name="staff_list"),
    path("p/<slug:slug>/staff/add/", views.staff_add, name="staff_add"),
    path("p/<slug:slug>/staff/<int:membership_id>/", views.staff_edit, name="staff_edit"),
    path("p/<slug:slug>/staff/<int:membership_id>/remove/", views.staff_remove, name="staff_remove"),
]
