"""Each member of staff's own account."""

from django.urls import path

from partnerships import views

app_name = "account"

urlpatterns = [
    path("", views.account, name="page"),
    path("single-sign-on/", views.sso_start, name="sso_start"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("keepalive/", views.session_keepalive, name="keepalive"),
]
