"""The agencies' written accounts, staff side: under a review."""

from django.urls import path

from submissions import views

app_name = "accounts"

urlpatterns = [
    path("", views.progress, name="progress"),
    path("ask/", views.ask, name="ask"),
    path("more-time/<int:extension_id>/", views.extension, name="extension"),
    path("files/<int:account_file_id>/", views.account_file, name="file"),
]
