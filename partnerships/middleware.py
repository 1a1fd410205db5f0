from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

from core import audit
from core.middleware import SSO_SESSION
from core.models import Membership
from partnerships.models import SingleSignOnProvider


class SingleSignOnSessionMiddleware:
    """A session opened through a provider ends at the next request once its owner is no longer staff there.

    Whatever the provider says: someone removed from the partnership's staff, or whose provider was
    taken away, keeps nothing of a session the provider opened.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        route = request.session.get(SSO_SESSION) if request.user.is_authenticated else None
        if route is not None:
            provider = SingleSignOnProvider.objects.filter(pk=route.get("provider")).first()
            still_staff = (
                provider is not None
                and route.get("user") == request.user.pk
                and Membership.objects.filter(user=request.user, partnership_id=provider.partnership_id).exists()
            )
            if not still_staff:
                audit.record(
                    "auth.sso_session_ended",
                    request=request,
                    actor=request.user,
                    partnership=provider.partnership if provider is not None else None,
                    reason="no longer staff" if provider is not None else "provider removed",
                )
                logout(request)
                messages.info(request, "You were signed out because your access to Convene has changed.")
                return redirect("account_login")
        return self.get_response(request)
