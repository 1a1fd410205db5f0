from django.urls import path

from reviews import views

urlpatterns = [
    path("", views.home, name="home"),
    path("account/", views.account, name="account"),
    path("session/keepalive/", views.session_keepalive, name="session_keepalive"),
    path("p/<slug:slug>/", views.partnership_overview, name="partnership_overview"),
    path("p/<slug:slug>/details/", views.partnership_edit, name="partnership_edit"),
    path("p/<slug:slug>/staff/", views.staff_list, name="staff_list"),
    path("p/<slug:slug>/staff/add/", views.staff_add, name="staff_add"),
    path("p/<slug:slug>/staff/<int:membership_id>/", views.staff_edit, name="staff_edit"),
    path("p/<slug:slug>/staff/<int:membership_id>/remove/", views.staff_remove, name="staff_remove"),
]

urlpatterns += [
    path("p/<slug:slug>/reviews/", views.review_list, name="review_list"),
    path("p/<slug:slug>/reviews/new/", views.review_add, name="review_add"),
    path("p/<slug:slug>/reviews/<int:review_id>/", views.review_detail, name="review_detail"),
    path("p/<slug:slug>/reviews/<int:review_id>/edit/", views.review_edit, name="review_edit"),
    path("p/<slug:slug>/reviews/<int:review_id>/stage/", views.review_advance, name="review_advance"),
    path("p/<slug:slug>/reviews/<int:review_id>/real-name/", views.review_reveal_name, name="review_reveal_name"),
]
