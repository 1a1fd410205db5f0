"""A missing or malformed setting stops start-up with one line naming it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import ConfigurationError, EnvReader

ROOT = Path(__file__).resolve().parents[2]


def test_readers_name_the_variable_at_fault():
    env = EnvReader({"PORT": "eighty", "DEBUG": "perhaps", "DATABASE_URL": "mysql://x/y"})
    with pytest.raises(ConfigurationError, match="PORT must be a whole number"):
        env.int("PORT")
    with pytest.raises(ConfigurationError, match="POLL must be a number, not 'soon'"):
        EnvReader({"POLL": "soon"}).float("POLL")
    with pytest.raises(ConfigurationError, match="POLL must be a number, not 'nan'"):
        EnvReader({"POLL": "nan"}).float("POLL")
    with pytest.raises(ConfigurationError, match="DEBUG must be true or false"):
        env.bool("DEBUG")
    with pytest.raises(ConfigurationError, match="DATABASE_URL must be a sqlite:// or postgres:// URL"):
        env.database("DATABASE_URL", default="sqlite:///x")
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        env.str("SECRET_KEY")


def test_readers_accept_good_values():
    env = EnvReader({"HOSTS": "a.example, b.example", "ON": "yes", "N": "5"})
    assert env.list("HOSTS") == ["a.example", "b.example"]
    assert env.bool("ON") is True
    assert env.int("N") == 5
    assert env.float("N") == 5.0 and EnvReader({"POLL": "0.1"}).float("POLL") == 0.1
    assert env.float("MISSING", default=1) == 1
    assert env.database("DB", default="postgres://u@127.0.0.1:5432/convene")["NAME"] == "convene"


def run_check(**environ):
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=base | environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_a_secret_key_stops_with_one_line():
    result = run_check(CONVENE_PROFILE="production", ALLOWED_HOSTS="convene.example")
    assert result.returncode == 2
    assert result.stderr.strip() == "Convene cannot start: SECRET_KEY is not set; see .env.example"


def test_a_malformed_value_stops_with_one_line():
    result = run_check(SESSION_IDLE_TIMEOUT="half an hour")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Convene cannot start: SESSION_IDLE_TIMEOUT must be a whole number, not 'half an hour'"
    ]


def test_a_broker_poll_of_no_time_stops_with_one_line():
    result = run_check(BROKER_POLL_SECONDS="0")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Convene cannot start: BROKER_POLL_SECONDS must be more than 0, not '0'"
    ]


def test_env_example_lists_every_variable_the_settings_read():
    import re

    settings_source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', settings_source))
    example = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    documented = (ROOT / "docs" / "configuration.md").read_text()
    assert read <= example, f"missing from .env.example: {read - example}"
    assert all(f"`{name}`" in documented for name in read), "docs/configuration.md misses a setting"


def test_production_refuses_the_demo_mailbox():
    result = run_check(
        CONVENE_PROFILE="production",
        SECRET_KEY="x" * 10 + "abcdefghij" * 5,
        ALLOWED_HOSTS="convene.example",
        FIELD_ENCRYPTION_KEYS="ZmFrZS1rZXktZm9yLXRlc3RzLW9ubHktMzItYnl0ZXM9",
        DEMO_MAILBOX="true",
    )
    assert result.returncode == 2
    assert "DEMO_MAILBOX must be off in production" in result.stderr
