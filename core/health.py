"""The health check a load balancer or monitor polls: the database and the cache answer, or 503."""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache():
    value = secrets.token_hex(8)
    cache.set("healthz", value, 30)
    return cache.get("healthz") == value


@never_cache
@require_safe
def healthz(request):
    """200 "ok" when the database and the cache both work; 503 naming the part that does not.

    No sign-in and nothing about any partnership: it says only whether the service can work.
    """
    failing = []
    for name, check in (("database", _database), ("cache", _cache)):
        try:
            healthy = check()
        except Exception:  # any fault in a dependency is an unhealthy answer, never a 500
            logger.exception("Health check: the %s is not answering", name)
            healthy = False
        if not healthy:
            failing.append(name)
    if failing:
        return HttpResponse(f"unavailable: {', '.join(failing)}", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
