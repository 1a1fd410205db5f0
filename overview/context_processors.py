from django.conf import settings
from django.urls import reverse

from core.access import is_business_manager


def layout(request):
    """What the base layout needs on every page: the partnership in view and the navigation."""
    user = getattr(request, "user", None)
    partnership = getattr(request, "partnership", None)
    signed_in = user is not None and user.is_authenticated
    nav_items = []
    if signed_in:
        path = request.path
        if partnership is None:
            nav_items.append(
                {"label": "Home", "url": reverse("overview:home"), "active": path == reverse("overview:home")}
            )
        else:
            pages = [
                ("Dashboard", "overview:partnership_overview"),
                ("Reviews", "reviews:review_list"),
                ("Events", "events:event_calendar"),
            ]
            if is_business_manager(user, partnership):
                pages += [
                    ("Directory", "practitioners:practitioner_list"),
                    ("Agencies", "practitioners:agency_list"),
                    ("Factsheets", "reviews:factsheet_list"),
                    ("Staff", "partnerships:staff_list"),
                    ("Emails", "emails:list"),
                    ("Audit log", "partnerships:audit_log"),
                ]
            for label, name in pages:
                url = reverse(name, args=[partnership.slug])
                active = path == url if name == "overview:partnership_overview" else path.startswith(url)
                nav_items.append({"label": label, "url": url, "active": active})
        nav_items.append(
            {
                "label": "Your account",
                "url": reverse("account:page"),
                "active": path.startswith(reverse("account:page")),
            }
        )
    return {
        "current_partnership": partnership,
        "nav_items": nav_items,
        "session_timeout": (
            {
                "idle_seconds": settings.SESSION_IDLE_TIMEOUT,
                "warning_seconds": settings.SESSION_WARNING_BEFORE,
                "keepalive_url": reverse("account:keepalive"),
                "logout_url": reverse("account_logout"),
                "login_url": reverse("account_login"),
            }
            if signed_in
            else None
        ),
        "demo_mailbox_url": reverse("notifications:demo_mailbox") if settings.DEMO_MAILBOX else None,
    }
