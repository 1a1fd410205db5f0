"""The health check: no sign-in, "ok" while the database and the cache answer, 503 when one does not."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_answers_ok_without_sign_in(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_a_cache_that_does_not_answer_gives_503_naming_it(client, settings):
    # A real Redis client pointed at a port where nothing listens.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.content == b"unavailable: cache"


def test_answers_get_and_head_only(client):
    assert client.post(reverse("healthz")).status_code == 405
    assert client.head(reverse("healthz")).status_code == 200
