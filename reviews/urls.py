from django.urls import path

from reviews import views

urlpatterns = [
    path("p/<slug:slug>/reviews/", views.review_list, name="review_list"),
    path("p/<slug:slug>/reviews/new/", views.review_add, name="review_add"),
    path("p/<slug:slug>/reviews/<int:review_id>/edit/", views.review_edit, name="review_edit"),
]
