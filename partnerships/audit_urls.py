from django.urls import path

from partnerships import audit_views

urlpatterns = [
    path("p/<slug:slug>/audit/", audit_views.audit_log, name="audit_log"),
]
