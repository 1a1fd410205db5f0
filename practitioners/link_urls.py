"""An agency's safeguarding lead, by their personal link."""

from django.urls import path

from practitioners import nomination_views

app_name = "nomination"

urlpatterns = [
    path("", nomination_views.nomination_page, name="page"),
    path("done/", nomination_views.nomination_complete, name="complete"),
    path("people/<int:nomination_id>/withdraw/", nomination_views.nomination_withdraw, name="withdraw"),
    # Last: a token is one segment, so any one-word page above must come first.
    path("<str:token>/", nomination_views.nomination_start, name="start"),
]
