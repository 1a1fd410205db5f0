"""An agency's safeguarding lead sending its written account, by their personal link."""

from django.urls import path

from submissions import link_views

app_name = "account_link"

urlpatterns = [
    path("", link_views.account_page, name="page"),
    path("send/", link_views.account_send, name="send"),
    path("more-time/", link_views.account_more_time, name="more_time"),
    path("template/", link_views.account_template, name="template"),
    # Last: a token is one segment, so any one-word page above must come first.
    path("<str:token>/", link_views.account_start, name="start"),
]
