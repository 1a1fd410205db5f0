"""A partnership's details, its staff and its audit log."""

from django.urls import path

from partnerships import audit_views, views

app_name = "partnerships"

urlpatterns = [
    path("details/", views.partnership_edit, name="partnership_edit"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/add/", views.staff_add, name="staff_add"),
    path("staff/<int:membership_id>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:membership_id>/remove/", views.staff_remove, name="staff_remove"),
    path("single-sign-on/", views.sso_list, name="sso_list"),
    path("single-sign-on/add/", views.sso_add, name="sso_add"),
    path("single-sign-on/<int:provider_id>/", views.sso_edit, name="sso_edit"),
    path("single-sign-on/<int:provider_id>/remove/", views.sso_remove, name="sso_remove"),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("audit/export.csv", audit_views.audit_log_csv, name="audit_log_csv"),
]
