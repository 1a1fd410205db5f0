"""In the tests, WhiteNoise lists the static files once a process, not once for every test client.

Every `Client()` builds the middleware stack afresh, and WhiteNoise's middleware, outside production,
walks every static file of every app (Django's admin has hundreds) and looks at each on disk: about
55 ms, paid by each test client and each live server, more than most tests take. The files do not
change while the tests run, so the list made the first time is given to every later middleware made
with the same settings. Serving is WhiteNoise's own, unchanged.
"""

from whitenoise.middleware import WhiteNoiseMiddleware

_listed = {}
_list = WhiteNoiseMiddleware.add_files_from_finders


def _settings_of(middleware):
    """What the listed files' responses depend on: where they are served and the headers they carry."""
    return (
        middleware.static_prefix,
        middleware.max_age,
        middleware.charset,
        middleware.allow_all_origins,
        middleware.add_headers_function,
        middleware.index_file,
        # A method of the middleware unless a setting gives one: the function, not this instance's binding.
        getattr(middleware.immutable_file_test, "__func__", middleware.immutable_file_test),
    )


def add_files_from_finders(self):
    key = _settings_of(self)
    if key not in _listed:
        before = set(self.files)
        _list(self)
        _listed[key] = {url: found for url, found in self.files.items() if url not in before}
    self.files.update(_listed[key])


def use_it():
    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders
