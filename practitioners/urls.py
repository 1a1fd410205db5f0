"""Agencies and the practitioner directory."""

from django.urls import path

from practitioners import views

app_name = "practitioners"

urlpatterns = [
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/add/", views.agency_add, name="agency_add"),
    path("agencies/<int:agency_id>/", views.agency_edit, name="agency_edit"),
    path("practitioners/", views.practitioner_list, name="practitioner_list"),
    path("practitioners/add/", views.practitioner_add, name="practitioner_add"),
    path("practitioners/<int:practitioner_id>/", views.practitioner_edit, name="practitioner_edit"),
    path("practitioners/import/", views.practitioner_import, name="practitioner_import"),
    path("practitioners/import/check/", views.practitioner_import_confirm, name="practitioner_import_confirm"),
    path("practitioners/import/template.csv", views.practitioner_import_template, name="practitioner_import_template"),
    path("practitioners/export.csv", views.practitioner_export, name="practitioner_export"),
]
