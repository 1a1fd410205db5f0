"""Reviews and the partnership's factsheets."""

from django.urls import path

from reviews import factsheet_views, hold_views, views

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/new/", views.review_add, name="review_add"),
    path("reviews/<int:review_id>/edit/", views.review_edit, name="review_edit"),
    path("reviews/<int:review_id>/timeline/", views.review_timeline, name="review_timeline"),
    path("reviews/<int:review_id>/timeline/change/", views.review_timeline_edit, name="review_timeline_edit"),
    path("reviews/<int:review_id>/legal-hold/", hold_views.legal_hold, name="legal_hold"),
    path("factsheets/", factsheet_views.factsheet_list, name="factsheet_list"),
    path("factsheets/<str:review_type>/", factsheet_views.factsheet_edit, name="factsheet_edit"),
    path("factsheets/<str:review_type>/preview/", factsheet_views.factsheet_preview, name="factsheet_preview"),
    path("factsheets/<str:review_type>/factsheet.pdf", factsheet_views.factsheet_download, name="factsheet_download"),
]
