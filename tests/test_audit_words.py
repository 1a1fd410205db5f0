"""Every action the product writes to the audit log reads in plain English on the log's page and in its CSV."""

import re
from pathlib import Path

from core import audit

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "core",
    "notifications",
    "partnerships",
    "reviews",
    "practitioners",
    "submissions",
    "events",
    "reports",
    "actions",
]
# An action code written as a literal: `audit.record("event.created", ...)` or `action="invitation.link_revoked"`.
CODE = re.compile(r'(?:audit\.record\(\s*|\baction=)"([a-z_]+\.[a-z_]+)"')


def codes_in_the_source():
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            found.update(CODE.findall(path.read_text()))
    return found


def test_every_action_written_has_its_words():
    codes = codes_in_the_source()

    assert len(codes) > 50
    assert sorted(code for code in codes if code not in audit.PHRASES) == []
