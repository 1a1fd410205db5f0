from django.urls import path

from events import nomination_views as views

urlpatterns = [
    path("p/<slug:slug>/reviews/<int:review_id>/nominations/", views.nomination_list, name="nomination_list"),
    path(
        "p/<slug:slug>/reviews/<int:review_id>/nominations/request/",
        views.nomination_request,
        name="nomination_request",
    ),
    path(
        "p/<slug:slug>/reviews/<int:review_id>/nominations/accept/",
        views.nomination_accept,
        name="nomination_accept",
    ),
    path(
        "p/<slug:slug>/reviews/<int:review_id>/nominations/<int:request_id>/chase/",
        views.nomination_chase,
        name="nomination_chase",
    ),
]
