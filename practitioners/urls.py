from django.urls import path

from practitioners import views

urlpatterns = [
    path("p/<slug:slug>/agencies/", views.agency_list, name="agency_list"),
    path("p/<slug:slug>/agencies/add/", views.agency_add, name="agency_add"),
    path("p/<slug:slug>/agencies/<int:agency_id>/", views.agency_edit, name="agency_edit"),
    path("p/<slug:slug>/practitioners/", views.practitioner_list, name="practitioner_list"),
    path("p/<slug:slug>/practitioners/add/", views.practitioner_add, name="practitioner_add"),
    path("p/<slug:slug>/practitioners/<int:practitioner_id>/", views.practitioner_edit, name="practitioner_edit"),
    path("p/<slug:slug>/practitioners/import/", views.practitioner_import, name="practitioner_import"),
    path(
        "p/<slug:slug>/practitioners/import/check/",
        views.practitioner_import_confirm,
        name="practitioner_import_confirm",
    ),
    path(
        "p/<slug:slug>/practitioners/import/template.csv",
        views.practitioner_import_template,
        name="practitioner_import_template",
    ),
    path("p/<slug:slug>/practitioners/export.csv", views.practitioner_export, name="practitioner_export"),
]
