"""The suite runs in several processes (pytest-xdist); each has its own databases and shares nothing.

pytest-django already gives each process its own test database (test_<name>_gw0, _gw1, ...). Here
each process also gets its own Redis database for the cache (the REDIS_URL database plus the
process's number), and the real-worker tests their own broker database (TEST_WORKER_REDIS_DB plus
the number, in tests/notifications/conftest.py). Browser tests and real-worker tests each run
together in one process (xdist groups), so that their slow start-ups happen once and the two kinds
run side by side rather than one after the other.

What a process finds out only at the end (the HTML check, browser tests skipped) goes back to the
controlling process as `workeroutput`, which prints it and fails the run.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... in a worker process; None otherwise


def number():
    """This process's number: 0 when the suite runs in one process."""
    return int(WORKER.removeprefix("gw")) if WORKER else 0


def is_worker(config):
    return hasattr(config, "workerinput")


def is_controller(config):
    """The process that hands out tests and prints the summary, when the suite runs in several."""
    return not is_worker(config) and config.pluginmanager.hasplugin("dsession")


def redis_database(url, offset):
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit((parts.scheme, parts.netloc, f"/{base + offset}", parts.query, ""))


def give_this_process_its_own_redis():
    """Point the cache and Celery's broker at this process's Redis database."""
    from django.conf import settings
    from django.test import override_settings

    if number() == 0 or not getattr(settings, "REDIS_URL", ""):
        return
    url = redis_database(settings.REDIS_URL, number())
    caches = {name: {**cache, "LOCATION": url} for name, cache in settings.CACHES.items()}
    # Sends setting_changed, which rebuilds Django's cache handler from the new settings.
    override_settings(REDIS_URL=url, CACHES=caches, CELERY_BROKER_URL=url).enable()
    from config.celery import app as celery_app

    celery_app.conf.broker_url = url


GROUPS = {
    "browser": lambda item, is_browser: is_browser(item),
    "worker": lambda item, is_browser: bool({"start_worker", "beat"} & set(getattr(item, "fixturenames", ()))),
}


def group_slow_tests(items, is_browser):
    """Mark the browser tests and the real-worker tests as one xdist group each."""
    for item in items:
        for name, belongs in GROUPS.items():
            if belongs(item, is_browser):
                item.add_marker(pytest.mark.xdist_group(name))
                break


def group_of(item):
    marker = item.get_closest_marker("xdist_group")
    return marker.args[0] if marker else None


def redis_databases_overlap(cache_url, worker_base):
    """True when a process's cache database would be another process's worker broker (each flushes its own)."""
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    cache_base = int(urlsplit(cache_url).path.strip("/") or 0)
    return bool(set(range(cache_base, cache_base + count)) & set(range(worker_base, worker_base + count)))
