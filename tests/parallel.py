"""The suite runs in several processes (pytest-xdist); each has its own databases and shares nothing.

pytest-django already gives each process its own test database (test_<name>_gw0, _gw1, ...). Here
each process also gets its own Redis database for the cache (the REDIS_URL database plus the
process's number), and the real-worker tests their own broker database (TEST_WORKER_REDIS_DB plus
the number, in tests/notifications/conftest.py). Each test file runs in one process (--dist
loadfile), so module fixtures are made once; `order` decides which files are handed out first.

What a process finds out only at the end (the HTML check, browser tests skipped) goes back to the
controlling process as `workeroutput`, which prints it and fails the run.
"""

import os
from urllib.parse import urlsplit, urlunsplit

WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... in a worker process; None otherwise


def number():
    """This process's number: 0 when the suite runs in one process."""
    return int(WORKER.removeprefix("gw")) if WORKER else 0


def is_worker(config):
    return hasattr(config, "workerinput")


def is_controller(config):
    """The process that hands out tests and prints the summary, when the suite runs in several.

    Read from the -n option, which is set from the start (xdist registers its scheduler later, after
    the other plugins' pytest_configure has run).
    """
    return not is_worker(config) and bool(getattr(config.option, "numprocesses", None))


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


def kind(item, is_browser):
    """Where a test goes in the run: 0 and 1 long tests that start at once (first those that mostly wait,
    then the browser's), 2 fast, 3 browser, 4 real-worker."""
    if item.get_closest_marker("starts_early"):
        return 1 if is_browser(item) else 0
    if is_browser(item):
        return 3
    if {"start_worker", "beat"} & set(getattr(item, "fixturenames", ())):
        return 4
    return 2


def order(items, is_browser):
    """Fast tests before browser and real-worker tests, so a failure shows early; the long tests marked
    starts_early go first, so that a parallel run works through them beside the rest (pytest-xdist's
    loadfile hands out files in this order, each process taking the next when it is nearly done). The
    long test that mostly waits (the worker kills) comes first of those, so one process waits on it while
    the other takes the first part of the every-page walk (tests/browser/every_page.py)."""
    items.sort(key=lambda item: kind(item, is_browser))


def redis_databases_overlap(cache_url, worker_base):
    """True when a process's cache database would be another process's worker broker (each flushes its own)."""
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    cache_base = int(urlsplit(cache_url).path.strip("/") or 0)
    return bool(set(range(cache_base, cache_base + count)) & set(range(worker_base, worker_base + count)))
