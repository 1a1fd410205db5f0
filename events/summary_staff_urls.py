from django.urls import path

from events import summary_staff_views as views

urlpatterns = [
    path("p/<slug:slug>/events/<int:event_id>/summary/", views.summary_versions, name="summary_versions"),
    path("p/<slug:slug>/events/<int:event_id>/summary/write/", views.summary_write, name="summary_write"),
    path("p/<slug:slug>/events/<int:event_id>/summary/upload/", views.summary_upload, name="summary_upload"),
    path(
        "p/<slug:slug>/events/<int:event_id>/summary/versions/<int:number>/",
        views.summary_version,
        name="summary_version",
    ),
    path(
        "p/<slug:slug>/events/<int:event_id>/summary/versions/<int:number>/file/",
        views.summary_version_file,
        name="summary_version_file",
    ),
    path(
        "p/<slug:slug>/events/<int:event_id>/summary/versions/<int:number>/pdf/",
        views.summary_version_pdf,
        name="summary_version_pdf",
    ),
]
