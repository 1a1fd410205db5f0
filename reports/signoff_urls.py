from django.urls import path

from reports import signoff_views

REPORT = "p/<slug:slug>/reviews/<int:review_id>/report/"

urlpatterns = [
    path(f"{REPORT}responses/", signoff_views.report_responses, name="report_responses"),
    path(f"{REPORT}responses/comments.pdf", signoff_views.report_comment_report, name="report_comment_report"),
    path(f"{REPORT}sign-off/", signoff_views.report_sign_off, name="report_sign_off"),
    path(f"{REPORT}publication/", signoff_views.report_publication, name="report_publication"),
    # Public: no sign-in.
    path("published/<slug:slug>/", signoff_views.published_list, name="published_list"),
    path("published/<slug:slug>/<slug:report_slug>/", signoff_views.published_report, name="published_report"),
    path(
        "published/<slug:slug>/<slug:report_slug>/report.pdf",
        signoff_views.published_report_pdf,
        name="published_report_pdf",
    ),
]
