from django.urls import path

from reports import staff_views as views

urlpatterns = [
    path("p/<slug:slug>/reviews/<int:review_id>/report/", views.report_home, name="report_home"),
    path(
        "p/<slug:slug>/reviews/<int:review_id>/report/versions/<int:number>/",
        views.report_version,
        name="report_version",
    ),
    path(
        "p/<slug:slug>/reviews/<int:review_id>/report/versions/<int:number>/pdf/",
        views.report_version_pdf,
        name="report_version_pdf",
    ),
    path(
        "p/<slug:slug>/reviews/<int:review_id>/report/versions/<int:number>/hits/<int:hit_id>/not-a-person/",
        views.report_hit_dismiss,
        name="report_hit_dismiss",
    ),
]
