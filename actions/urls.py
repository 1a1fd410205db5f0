"""The action plan (staff)."""

from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("", views.action_plan, name="action_plan"),
    path("report.pdf", views.action_plan_pdf, name="action_plan_pdf"),
    path("export.csv", views.action_plan_csv, name="action_plan_csv"),
    path("recommendations/new/", views.recommendation_add, name="recommendation_add"),
    path("recommendations/<int:recommendation_id>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path("recommendations/<int:recommendation_id>/actions/new/", views.action_add, name="action_add"),
    path("<int:action_id>/", views.action_detail, name="action_detail"),
    path("<int:action_id>/edit/", views.action_edit, name="action_edit"),
    path("<int:action_id>/updates/<int:update_id>/evidence/", views.action_evidence, name="action_evidence"),
    path("agency-links/", views.agency_links, name="agency_links"),
    path("agency-links/<int:agency_id>/send/", views.agency_link_send, name="agency_link_send"),
    path("agency-links/<int:agency_id>/stop/", views.agency_link_stop, name="agency_link_stop"),
]
