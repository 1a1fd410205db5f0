from django.urls import path

from notifications import views

urlpatterns = [
    path("demo-mailbox/", views.demo_mailbox, name="demo_mailbox"),
    path("demo-mailbox/<int:message_id>/", views.demo_message, name="demo_message"),
]
