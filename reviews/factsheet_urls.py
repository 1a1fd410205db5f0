from django.urls import path

from reviews import factsheet_views

urlpatterns = [
    path("p/<slug:slug>/factsheets/", factsheet_views.factsheet_list, name="factsheet_list"),
    path("p/<slug:slug>/factsheets/<str:review_type>/", factsheet_views.factsheet_edit, name="factsheet_edit"),
    path(
        "p/<slug:slug>/factsheets/<str:review_type>/preview/",
        factsheet_views.factsheet_preview,
        name="factsheet_preview",
    ),
    path(
        "p/<slug:slug>/factsheets/<str:review_type>/factsheet.pdf",
        factsheet_views.factsheet_download,
        name="factsheet_download",
    ),
]
