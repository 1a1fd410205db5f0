"""An agency's action owner, by their personal link."""

from django.urls import path

from actions import owner_views

app_name = "action_owner"

urlpatterns = [
    path("agency/", owner_views.action_owner_list, name="list"),
    path("agency/leave/", owner_views.action_owner_leave, name="leave"),
    path("agency/left/", owner_views.action_owner_left, name="left"),
    path("agency/<int:action_id>/", owner_views.action_owner_update, name="update"),
    # Last: a token is one segment, so any one-word page above must come first.
    path("<str:token>/", owner_views.action_link, name="start"),
]
