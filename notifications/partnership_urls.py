"""The partnership's emails, for its business manager: every kind with a sample, and every email's state."""

from django.urls import path

from notifications import staff_views

app_name = "emails"

urlpatterns = [
    path("emails/", staff_views.email_list, name="list"),
    path("emails/<int:message_id>/retry/", staff_views.email_retry, name="retry"),
    path("emails/kinds/", staff_views.email_kinds, name="kinds"),
    path("emails/kinds/<slug:kind>/", staff_views.email_kind, name="kind"),
    path("emails/kinds/<slug:kind>/email/", staff_views.email_kind_html, name="kind_html"),
]
