"""A real OpenID provider (node's oidc-provider, pinned in package.json) started on loopback for each test that asks.

Where node or the provider cannot start, the tests that need it are skipped with one line saying why.
"""

import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from core.models import Membership
from partnerships.models import SingleSignOnDomain, SingleSignOnProvider
from tests.browser.conftest import a11y, browser_context_args, browser_type_launch_args  # noqa: F401 (the browser set-up)
from tests.conftest import make_staff

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
PACKAGE = Path(settings.BASE_DIR) / "node_modules" / "oidc-provider" / "package.json"
START_TIMEOUT = 15


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RunningProvider:
    def __init__(self, issuer, process):
        self.issuer = issuer
        self.process = process


@pytest.fixture
def oidc_provider(live_server):
    """Start the provider for the given configured providers (rows), each with how it should misbehave, if at all."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Single sign-on: no node to run the OpenID provider (install nodejs, then npm ci)")
    if not PACKAGE.exists():
        pytest.skip("Single sign-on: oidc-provider is not installed (run npm ci)")
    started = []
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"

    def start(rows_and_tampering):
        clients = [
            {
                "client_id": row.client_id,
                "client_secret": row.client_secret,
                "redirect_uris": [
                    live_server.url + reverse("openid_connect_callback", kwargs={"provider_id": row.app_id})
                ],
                "tamper": tamper,
            }
            for row, tamper in rows_and_tampering
        ]
        env = {"PATH": "/usr/bin:/bin", "OIDC_PORT": str(port), "OIDC_CLIENTS": json.dumps(clients)}
        process = subprocess.Popen(
            [node, str(SCRIPT)],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(process)
        deadline = time.monotonic() + START_TIMEOUT
        output = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            if line.startswith("ready "):
                return RunningProvider(issuer, process)
        process.kill()
        pytest.skip(f"Single sign-on: the OpenID provider did not start ({''.join(output)[-300:].strip()})")

    start.issuer = issuer
    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


def add_provider(partnership, issuer, *, name, client_id, domains, enforces_mfa=False):
    """A configured provider, as the business manager's page would save it (the page itself is tested elsewhere)."""
    provider = SingleSignOnProvider.objects.create(
        partnership=partnership,
        name=name,
        issuer_url=issuer,
        client_id=client_id,
        client_secret=f"secret of {client_id}",
        enforces_mfa=enforces_mfa,
    )
    for domain in domains:
        SingleSignOnDomain.objects.create(provider=provider, domain=domain)
    return provider


@pytest.fixture
def council_manager(partnership):
    """A business manager whose council signs in with its own provider (no Convene password to speak of)."""
    return make_staff("sam.jones@council.example", "Sam Jones", partnership, Membership.Role.BUSINESS_MANAGER)
