"""Published reports, for the public."""

from django.urls import path

from reports import signoff_views

app_name = "published"

urlpatterns = [
    path("", signoff_views.published_list, name="list"),
    path("<slug:report_slug>/", signoff_views.published_report, name="report"),
    path("<slug:report_slug>/report.pdf", signoff_views.published_report_pdf, name="report_pdf"),
]
