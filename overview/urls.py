"""The pages that read across the apps: home, the partnership's dashboard, each review's page."""

from django.urls import path

from overview import views

app_name = "overview"

urlpatterns = [
    path("", views.home, name="home"),
    path("p/<slug:slug>/", views.partnership_overview, name="partnership_overview"),
    path("p/<slug:slug>/reviews/<int:review_id>/", views.review_detail, name="review_detail"),
    path("p/<slug:slug>/reviews/<int:review_id>/stage/", views.review_advance, name="review_advance"),
    path("p/<slug:slug>/reviews/<int:review_id>/real-name/", views.review_reveal_name, name="review_reveal_name"),
]
