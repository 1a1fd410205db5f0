"""The demo mailbox (development only)."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.demo_mailbox, name="demo_mailbox"),
    path("<int:message_id>/", views.demo_message, name="demo_message"),
    path("<int:message_id>/email/", views.demo_message_html, name="demo_message_html"),
    path("<int:message_id>/attachments/<int:number>/", views.demo_attachment, name="demo_attachment"),
]
