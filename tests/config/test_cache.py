"""With Redis unreachable the cache answers as an empty one: pages and links keep working."""

import socket

import pytest
from django.core.cache import caches
from django.urls import reverse

from config.cache import TolerantRedisCache
from core import links


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def unreachable_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield caches["default"]


def test_every_operation_is_a_miss_not_an_error(unreachable_cache):
    cache = unreachable_cache
    assert isinstance(cache, TolerantRedisCache)
    assert cache.get("key") is None
    assert cache.get("key", "fallback") == "fallback"
    assert cache.add("key", 1) is True
    cache.set("key", 1)
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("key") is False
    with pytest.raises(ValueError):
        cache.incr("key")
    # The rate limits count nothing rather than failing the request.
    assert not any(links.too_many("bucket", limit=1, window=60) for _ in range(3))


@pytest.mark.django_db
def test_sign_in_and_a_bad_link_still_answer(client, unreachable_cache):
    assert client.get(reverse("account_login")).status_code == 200
    response = client.post(reverse("account_login"), {"login": "nobody@example.org", "password": "wrong password"})
    assert response.status_code == 200
    assert client.get("/invitation/not-a-real-token/").status_code == 404
