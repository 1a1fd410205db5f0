import copy
from contextlib import contextmanager

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings

from config.celery import app as celery_app
from core import stamps
from core.models import Membership, Partnership, User
from practitioners.models import Agency
from reviews.models import Review
from tests import parallel, pdfs
from tests.browser import conftest as browser_tests

# Every HTML page the test client receives is checked with the Nu Html Checker; WhiteNoise lists the
# static files once a process rather than for every test client.
pytest_plugins = ["tests.html_validity", "tests.static_files"]

PASSWORD = "a long and memorable passphrase"


def pytest_configure(config):
    parallel.give_this_process_its_own_redis()
    # Every part of a page found in the cache is made again and compared (core/stamps.py).
    from django.conf import settings

    settings.CHANGE_STAMPS_CHECK = True
    # Each distinct PDF is laid out once a process (tests/pdfs.py).
    pdfs.use_it()


def pytest_collection_modifyitems(items):
    parallel.order(items, browser_tests.is_browser_test)


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected, so the summary counts what was skipped
def pytest_collection_finish(session):
    """Browser tests, in any folder, are skipped when there is no Chromium (see tests/browser/conftest.py)."""
    browser_tests.skip_without_chromium(session.items)


def pytest_sessionfinish(session):
    if parallel.is_worker(session.config):
        session.config.workeroutput["browser_tests_skipped"] = browser_tests.skipped_here()


_skipped_elsewhere = []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    _skipped_elsewhere.append(getattr(node, "workeroutput", {}).get("browser_tests_skipped", 0))


def pytest_terminal_summary(terminalreporter):
    # Every process collects the whole suite, so each skips all the browser tests: count them once.
    browser_tests.report_skipped(terminalreporter, max([browser_tests.skipped_here(), *_skipped_elsewhere]))


@pytest.fixture(autouse=True)
def _clean_cache(request):
    """Rate-limit counters and used TOTP codes live in the cache; each database test starts afresh."""
    names = set(request.fixturenames)
    if names & {"transactional_db", "live_server"}:
        request.getfixturevalue("transactional_db")
    elif "db" in names or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
    else:
        yield
        return
    cache.clear()
    stamps.forget_relations()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server, django_db_blocker):
    """pytest-django's live server, whose database connections are ended before the test database is dropped.

    Each request thread keeps its connection (CONN_MAX_AGE) for as long as the browser keeps its socket
    open, and Chromium keeps idle sockets past the end of the run. PostgreSQL refuses to drop a database
    others are connected to: it waited five seconds, then the run ended with a warning and left the
    database behind. Asking for django_db_setup first makes this teardown come before the drop. The
    connection it asks with is closed too: the teardown may run in another context than the tests (the
    browser's), and so open a connection of its own.
    """
    yield live_server
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock():
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        finally:
            connection.close()


# Real hashing is deliberately slow; the suite checks behaviour, not the hasher.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@contextmanager
def _tasks_in_process():
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _celery_eager():
    """Run tasks in-process unless a test starts a real worker (see tests/notifications)."""
    with _tasks_in_process():
        yield


def written_once_for_the_module(django_db_blocker, uploads, build):
    """Django's TestCase.setUpTestData for a module: the body of a module-scoped fixture that yields what
    `build()` returns.

    The rows are written once, in a transaction that stays open while the module's tests run and is rolled
    back after the last of them; each test runs in a savepoint of its own (pytest-django's `db`), rolled back
    at its end, so it sees the rows as they were written and its changes reach no other test. Each test
    takes its own copies of the objects (`fresh_copies`), so that what it changes in memory does not reach
    the next test either. The build runs as a test's own fixtures would: the cache cleared, fast password
    hashing, tasks run in-process, and an uploads folder of its own (`uploads`). The database is open only
    while the rows are written and rolled back, as pytest-django's `django_db_blocker` allows.
    """
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            cache.clear()
            stamps.forget_relations()
            with override_settings(MEDIA_ROOT=uploads, PASSWORD_HASHERS=FAST_PASSWORD_HASHERS), _tasks_in_process():
                built = build()
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            cache.clear()


def fresh_copies(built):
    """A test's own copies of what `written_once_for_the_module` built (as TestCase.setUpTestData gives each
    test): one deep copy of the whole, so objects shared between its parts stay shared in the copy."""
    return copy.deepcopy(built)


def totp_code(user, offset=0):
    """The authenticator code the user's app would show now."""
    import time

    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def make_staff(email, name, partnership, role, *, with_mfa=True):
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    if partnership is not None:
        Membership.objects.create(user=user, partnership=partnership, role=role)
    if with_mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


def new_partnership():
    return Partnership.objects.create(
        name="Northvale Children's Safeguarding Partnership",
        slug="northvale",
        kind=Partnership.Kind.CHILDREN,
        contact_name="Priya Shah",
        contact_email="partnership@northvale.example",
        contact_phone="01632 960 101",
    )


def new_other_partnership():
    return Partnership.objects.create(
        name="Eastmere Safeguarding Adults and Children Board",
        slug="eastmere",
        kind=Partnership.Kind.BOTH,
        contact_name="Grace Okafor",
        contact_email="boards@eastmere.example",
        contact_phone="01632 960 202",
    )


def new_business_manager(partnership):
    return make_staff("manager@northvale.example", "Priya Shah", partnership, Membership.Role.BUSINESS_MANAGER)


def new_reviewer(partnership):
    return make_staff("reviewer@northvale.example", "Tom Ellis", partnership, Membership.Role.REVIEWER)


def new_outsider(other_partnership):
    """A business manager of another partnership."""
    return make_staff("manager@eastmere.example", "Grace Okafor", other_partnership, Membership.Role.BUSINESS_MANAGER)


@pytest.fixture
def partnership(db):
    return new_partnership()


@pytest.fixture
def other_partnership(db):
    return new_other_partnership()


@pytest.fixture
def business_manager(partnership):
    return new_business_manager(partnership)


@pytest.fixture
def reviewer(partnership):
    return new_reviewer(partnership)


@pytest.fixture
def outsider(other_partnership):
    """A business manager of another partnership."""
    return new_outsider(other_partnership)


@pytest.fixture
def bm_client(client, business_manager):
    client.force_login(business_manager)
    return client


@pytest.fixture
def review(partnership, reviewer, business_manager):
    """A CSPR of the partnership, assigned to the reviewer; the real name is Alex Smith."""
    return new_review(partnership, reviewer, business_manager)


def new_review(partnership, reviewer, business_manager):
    """A CSPR of the partnership, assigned to the reviewer; the real name is Alex Smith."""
    from reviews import services

    review = services.create_review(
        partnership=partnership,
        data={
            "review_type": "cspr",
            "reference": "CSPR 2026-01",
            "pseudonym": "Child B",
            "subject_name": "Alex Smith",
            "scope_start": "2024-01-01",
            "scope_end": "2025-12-31",
            "incident_notified_on": None,
            "commissioned_on": None,
            "target_completion_on": None,
            "reviewers": [reviewer],
            "theme_titles": ["Neglect"],
        },
        created_by=business_manager,
    )
    return Review.objects.get(pk=review.pk)


@pytest.fixture
def agencies(partnership):
    """Two agencies of the partnership, each with a safeguarding lead who can be emailed."""
    return [
        Agency.objects.create(
            partnership=partnership,
            name="Northvale Police",
            agency_type="police",
            lead_name="DS Kim Lowe",
            lead_email="kim.lowe@police.example",
        ),
        Agency.objects.create(
            partnership=partnership,
            name="Northvale Health Trust",
            agency_type="health",
            lead_name="Ann Berry",
            lead_email="ann.berry@health.example",
        ),
    ]
