from django.urls import path

from actions import owner_views, views

PLAN = "p/<slug:slug>/reviews/<int:review_id>/actions/"

urlpatterns = [
    path(PLAN, views.action_plan, name="action_plan"),
    path(f"{PLAN}report.pdf", views.action_plan_pdf, name="action_plan_pdf"),
    path(f"{PLAN}export.csv", views.action_plan_csv, name="action_plan_csv"),
    path(f"{PLAN}recommendations/new/", views.recommendation_add, name="recommendation_add"),
    path(
        f"{PLAN}recommendations/<int:recommendation_id>/edit/",
        views.recommendation_edit,
        name="recommendation_edit",
    ),
    path(f"{PLAN}recommendations/<int:recommendation_id>/actions/new/", views.action_add, name="action_add"),
    path(f"{PLAN}<int:action_id>/", views.action_detail, name="action_detail"),
    path(f"{PLAN}<int:action_id>/edit/", views.action_edit, name="action_edit"),
    path(
        f"{PLAN}<int:action_id>/updates/<int:update_id>/evidence/",
        views.action_evidence,
        name="action_evidence",
    ),
    path(f"{PLAN}agency-links/", views.agency_links, name="agency_links"),
    path(f"{PLAN}agency-links/<int:agency_id>/send/", views.agency_link_send, name="agency_link_send"),
    path(f"{PLAN}agency-links/<int:agency_id>/stop/", views.agency_link_stop, name="agency_link_stop"),
    # The action owner's side. Before "actions/<str:token>/", which would otherwise take "actions/agency/".
    path("actions/agency/", owner_views.action_owner_list, name="action_owner_list"),
    path("actions/agency/leave/", owner_views.action_owner_leave, name="action_owner_leave"),
    path("actions/agency/left/", owner_views.action_owner_left, name="action_owner_left"),
    path("actions/agency/<int:action_id>/", owner_views.action_owner_update, name="action_owner_update"),
    path("actions/<str:token>/", owner_views.action_link, name="action_link"),
]
