"""Every app's pages, each URLconf under its own prefix and namespace.

No include depends on its order: each address belongs to exactly one of them (tests/test_urls.py
proves it). The staff's pages of a partnership are under p/<slug>/; people without an account reach
their pages through a personal link under a prefix of their own.
"""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from core import health

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Convene administration"
admin.site.site_title = "Convene administration"

PARTNERSHIP = "p/<slug:slug>/"
REVIEW = "p/<slug:slug>/reviews/<int:review_id>/"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("accessibility/", TemplateView.as_view(template_name="core/accessibility.html"), name="accessibility"),
    path("privacy/", TemplateView.as_view(template_name="core/privacy.html"), name="privacy"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("account/", include("partnerships.account_urls")),
    path("demo-mailbox/", include("notifications.urls")),
    # Staff.
    path("", include("overview.urls")),
    path(PARTNERSHIP, include("partnerships.urls")),
    path(PARTNERSHIP, include("notifications.partnership_urls")),
    path(PARTNERSHIP, include("reviews.urls")),
    path(PARTNERSHIP, include("practitioners.urls")),
    path(PARTNERSHIP, include("events.urls")),
    path(f"{REVIEW}report/", include("reports.urls")),
    path(f"{REVIEW}actions/", include("actions.urls")),
    path(f"{REVIEW}accounts/", include("submissions.urls")),
    # People with a personal link, and the public.
    path("nominate/", include("practitioners.link_urls")),
    path("invitation/", include("events.link_urls")),
    path("draft-report/", include("reports.link_urls")),
    path("actions/", include("actions.link_urls")),
    path("written-account/", include("submissions.link_urls")),
    path("published/<slug:slug>/", include("reports.public_urls")),
]
