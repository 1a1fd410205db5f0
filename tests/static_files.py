"""In the tests, WhiteNoise lists the static files once a process, not once for every test client.

Every `Client()` builds the middleware stack afresh, and WhiteNoise's middleware, outside production,
walks every static file of every app (Django's admin has hundreds) and looks at each on disk: about
55 ms, paid by each test client and each live server, more than most tests take. For the session the
stack uses `ListedOnce` instead: WhiteNoise's middleware, which keeps the list it made the first time
and gives it to every later instance made with the same settings. Serving is WhiteNoise's own.
"""

import pytest
from django.conf import settings
from django.test import override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"
_listed = {}


class ListedOnce(WhiteNoiseMiddleware):
    def add_files_from_finders(self):
        key = self._listed_by()
        if key not in _listed:
            before = set(self.files)
            super().add_files_from_finders()
            _listed[key] = {url: found for url, found in self.files.items() if url not in before}
        self.files.update(_listed[key])

    def _listed_by(self):
        """What the list and its files' headers depend on: where the files are found, where they are served,
        and the headers they carry."""
        return (
            repr(settings.STATICFILES_DIRS),
            repr(settings.STATICFILES_FINDERS),
            repr(settings.INSTALLED_APPS),
            repr(settings.STORAGES),
            repr(getattr(settings, "WHITENOISE_MIMETYPES", None)),
            self.static_prefix,
            self.max_age,
            self.charset,
            self.allow_all_origins,
            self.add_headers_function,
            self.index_file,
            # A method of the middleware unless a setting gives one: the function, not this instance's binding.
            getattr(self.immutable_file_test, "__func__", self.immutable_file_test),
        )


@pytest.fixture(scope="session", autouse=True)
def _static_files_listed_once():
    """For the whole session, like the HTML check's middleware (tests/html_validity.py)."""
    middleware = [f"{__name__}.ListedOnce" if name == WHITENOISE else name for name in settings.MIDDLEWARE]
    with override_settings(MIDDLEWARE=middleware):
        yield
