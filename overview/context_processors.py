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
            nav_items.append({"label": "Home", "url": reverse("home"), "active": path == reverse("home")})
        else:
            pages = [("Dashboard", "partnership_overview"), ("Reviews", "review_list")]
            if is_business_manager(user, partnership):
                pages += [
                    ("Directory", "practitioner_list"),
                    ("Agencies", "agency_list"),
                    ("Factsheets", "factsheet_list"),
                    ("Staff", "staff_list"),
                    ("Audit log", "audit_log"),
                ]
            for label, name in pages:
                url = reverse(name, args=[partnership.slug])
                active = path == url if name == "partnership_overview" else path.startswith(url)
                nav_items.append({"label": label, "url": url, "active": active})
        nav_items.append(
            {"label": "Your account", "url": reverse("account"), "active": path.startswith(reverse("account"))}
        )
    return {
        "current_partnership": partnership,
        "nav_items": nav_items,
        "session_timeout": (
            {
                "idle_seconds": settings.SESSION_IDLE_TIMEOUT,
                "warning_seconds": settings.SESSION_WARNING_BEFORE,
                "keepalive_url": reverse("session_keepalive"),
                "logout_url": reverse("account_logout"),
                "login_url": reverse("account_login"),
            }
            if signed_in
            else None
        ),
        "demo_mailbox_url": reverse("demo_mailbox") if settings.DEMO_MAILBOX else None,
    }
