"""Typed readers for settings from the environment.

Each reader names the variable in its error, so a missing or malformed value stops start-up
with one line saying which variable is wrong and why.
"""

import math
import os
from pathlib import Path
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

_MISSING = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(ImproperlyConfigured):
    """A setting in the environment is missing or malformed."""


class EnvReader:
    def __init__(self, environ_map=None):
        self._environ = os.environ if environ_map is None else environ_map

    def _raw(self, name, default):
        value = self._environ.get(name)
        if value is None:
            if default is _MISSING:
                raise ConfigurationError(f"{name} is not set; see .env.example")
            return None
        return value

    def str(self, name, default=_MISSING):
        value = self._raw(name, default)
        return default if value is None else value

    def secret(self, name, min_length):
        value = self.str(name)
        if len(value) < min_length or len(set(value)) < 5:
            raise ConfigurationError(f"{name} must be a random value of at least {min_length} characters")
        return value

    def bool(self, name, default=_MISSING):
        value = self._raw(name, default)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ConfigurationError(f"{name} must be true or false, not {value!r}")

    def int(self, name, default=_MISSING):
        value = self._raw(name, default)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise ConfigurationError(f"{name} must be a whole number, not {value!r}") from None

    def float(self, name, default=_MISSING):
        value = self._raw(name, default)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise ConfigurationError(f"{name} must be a number, not {value!r}")
        return number

    def choice(self, name, choices, default=_MISSING):
        value = self.str(name, default)
        if value not in choices:
            raise ConfigurationError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
        return value

    def list(self, name, default=_MISSING, required=False):
        value = self._raw(name, _MISSING if required else default)
        if value is None:
            return default
        items = [item.strip() for item in value.split(",") if item.strip()]
        if required and not items:
            raise ConfigurationError(f"{name} must list at least one value, separated by commas")
        return items

    def path(self, name, default=_MISSING):
        value = self._raw(name, default)
        return Path(default if value is None else value)

    def database(self, name, default):
        url = self.str(name, default)
        scheme = urlparse(url).scheme
        if scheme not in ("sqlite", "postgres", "postgresql", "pgsql"):
            raise ConfigurationError(f"{name} must be a sqlite:// or postgres:// URL, not {scheme or url!r}")
        try:
            return environ.Env.db_url_config(url)
        except Exception as error:  # django-environ raises several kinds for a malformed URL
            raise ConfigurationError(f"{name} is not a valid database URL: {error}") from None

    def url(self, name, default, schemes):
        value = self.str(name, default)
        if value and urlparse(value).scheme not in schemes:
            raise ConfigurationError(f"{name} must be a URL starting with {' or '.join(schemes)}")
        return value


def exit_on_configuration_error():
    """Load the settings now, and stop with one line naming the variable if one is wrong."""
    import sys

    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - touching a setting loads them all
    except ConfigurationError as error:
        sys.stderr.write(f"Convene cannot start: {error}\n")
        raise SystemExit(2) from None
