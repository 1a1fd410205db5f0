"""rundemo: the links in the demo's emails point at the address the demo serves on."""

import signal
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from demo.management.commands import rundemo
from notifications.models import OutboundMessage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "addrport, url",
    [
        ("127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("8765", "http://127.0.0.1:8765"),
        ("0.0.0.0:8765", "http://127.0.0.1:8765"),
        ("localhost:8001", "http://localhost:8001"),
    ],
)
def test_the_site_url_follows_the_address(addrport, url):
    assert rundemo.site_url(addrport) == url


def test_the_seed_server_worker_and_beat_link_to_the_demos_own_port(settings, monkeypatch, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    settings.BROKER_DIR = tmp_path / "broker"
    monkeypatch.setattr(django_settings, "SITE_URL", django_settings.SITE_URL)  # put back afterwards
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    # Each process the demo starts is a real one that prints the site address it was given and stops, once
    # both have printed: the demo stops the other processes as soon as one stops, and on a busy machine the
    # second could be stopped before it had started.
    real_popen, started = subprocess.Popen, []
    printed = tmp_path / "printed"
    script = (
        "import os, pathlib, sys, time\n"
        "sys.stdout.write(os.environ.get('SITE_URL', ''))\n"
        "sys.stdout.flush()\n"
        f"printed = pathlib.Path({str(printed)!r})\n"
        "with printed.open('a') as mark:\n"
        "    mark.write('.')\n"
        "deadline = time.monotonic() + 30\n"
        "while len(printed.read_text()) < 2 and time.monotonic() < deadline:\n"
        "    time.sleep(0.05)\n"
    )

    def popen(args, **kwargs):
        report = [sys.executable, "-c", script]
        started.append((args, real_popen(report, stdout=subprocess.PIPE, text=True, **kwargs)))
        return started[-1][1]

    monkeypatch.setattr(rundemo.subprocess, "Popen", popen)

    call_command("rundemo", addrport="127.0.0.1:8765", stdout=StringIO(), stderr=StringIO())

    assert [args[2:4] if args[1] == "manage.py" else args[4:6] for args, _ in started] == [
        ["runserver", "--noreload"],
        ["config", "worker"],
    ]
    for _, process in started:
        process.wait(timeout=10)
        assert process.stdout.read() == "http://127.0.0.1:8765"
    # The seed's own emails, queued before the server starts, link to it too.
    bodies = [message.body_text for message in OutboundMessage.objects.all()]
    assert any("http://127.0.0.1:8765/" in body for body in bodies)
    assert not any("127.0.0.1:8000" in body for body in bodies)
