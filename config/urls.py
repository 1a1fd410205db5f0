from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from core import health

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Convene administration"
admin.site.site_title = "Convene administration"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("accessibility/", TemplateView.as_view(template_name="pages/accessibility.html"), name="accessibility"),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("", include("notifications.urls")),
    path("", include("practitioners.urls")),
    path("", include("practitioners.nomination_urls")),
    path("", include("events.nomination_urls")),
    # Before events.urls: its invitation/<token>/ pattern would otherwise take invitation/summary/.
    path("", include("events.summary_urls")),
    path("", include("events.summary_staff_urls")),
    path("", include("events.attendance_urls")),
    path("", include("events.note_urls")),
    path("", include("reports.staff_urls")),
    path("", include("reports.circulation_urls")),
    path("", include("reports.signoff_urls")),
    path("", include("actions.urls")),
    path("", include("events.urls")),
    path("", include("partnerships.audit_urls")),
    path("", include("partnerships.urls")),
    path("", include("overview.urls")),
    path("", include("reviews.factsheet_urls")),
    path("", include("reviews.urls")),
]
