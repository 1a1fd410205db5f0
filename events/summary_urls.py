from django.urls import path

from events import summary_views

urlpatterns = [
    # Two segments under invitation/, so events.urls' "invitation/<str:token>/" never takes them.
    path("invitation/summary/terms/", summary_views.summary_terms, name="summary_terms"),
    path("invitation/summary/read/", summary_views.summary_read, name="summary_read"),
    path("invitation/summary/download/", summary_views.summary_download, name="summary_download"),
    path("p/<slug:slug>/events/<int:event_id>/summary/release/", summary_views.summary_release, name="summary_release"),
    path("p/<slug:slug>/events/<int:event_id>/summary/readers/", summary_views.summary_readers, name="summary_readers"),
    path(
        "p/<slug:slug>/events/<int:event_id>/summary/readers/remind/",
        summary_views.summary_remind,
        name="summary_remind",
    ),
    path(
        "p/<slug:slug>/events/<int:event_id>/summary/readers/<int:reader_id>/withdraw/",
        summary_views.summary_withdraw,
        name="summary_withdraw",
    ),
]
