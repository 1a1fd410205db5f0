from django.urls import path

from practitioners import nomination_views as views

urlpatterns = [
    path("nominate/", views.nomination_page, name="nomination_page"),
    path("nominate/done/", views.nomination_complete, name="nomination_complete"),
    path("nominate/people/<int:nomination_id>/withdraw/", views.nomination_withdraw, name="nomination_withdraw"),
    path("nominate/<str:token>/", views.nomination_start, name="nomination_start"),
]
