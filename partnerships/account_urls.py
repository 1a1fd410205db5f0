"""Each member of staff's own account."""

from django.urls import path

from partnerships import views

app_name = "account"

urlpatterns = [
    path("", views.account, name="page"),
    path("keepalive/", views.session_keepalive, name="keepalive"),
]
