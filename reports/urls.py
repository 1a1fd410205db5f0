"""The draft report, its factual-accuracy check, sign-off and publication, for staff."""

from django.urls import path

from reports import circulation_views, signoff_views, staff_views

app_name = "reports"

urlpatterns = [
    path("", staff_views.report_home, name="report_home"),
    path("versions/<int:number>/", staff_views.report_version, name="report_version"),
    path("versions/<int:number>/pdf/", staff_views.report_version_pdf, name="report_version_pdf"),
    path(
        "versions/<int:number>/hits/<int:hit_id>/not-a-person/",
        staff_views.report_hit_dismiss,
        name="report_hit_dismiss",
    ),
    path("versions/<int:number>/circulate/", circulation_views.report_circulate, name="report_circulate"),
    path("check/", circulation_views.report_check_progress, name="report_check_progress"),
    path("check/export.csv", circulation_views.report_check_progress_csv, name="report_check_progress_csv"),
    path("check/remind/", circulation_views.report_check_remind, name="report_check_remind"),
    path("check/checkers/<int:checker_id>/stop/", circulation_views.report_check_stop, name="report_check_stop"),
    path(
        "check/checkers/<int:checker_id>/new-link/",
        circulation_views.report_check_new_link,
        name="report_check_new_link",
    ),
    path("responses/", signoff_views.report_responses, name="report_responses"),
    path("responses/comments.pdf", signoff_views.report_comment_report, name="report_comment_report"),
    path("sign-off/", signoff_views.report_sign_off, name="report_sign_off"),
    path("publication/", signoff_views.report_publication, name="report_publication"),
]
