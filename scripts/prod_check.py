"""Start Convene's production profile on this machine and check that it answers as deployed.

Used by `make prod-check`. Against the local PostgreSQL and Redis it creates a throwaway database,
generates a secret key and an encryption key, runs the release steps (check --deploy, migrate,
collectstatic into a temporary folder), starts gunicorn with two workers on a free port, and makes
the requests a reverse proxy would pass on: the sign-in page with its security headers and cookies,
a signed-in session, a static file from whitenoise, the redirect of plain HTTP, the refusal of an
unknown host, and the health check. Everything it started or made is removed at the end, also
when a check fails or the run is interrupted.

Settings (environment):
  PROD_CHECK_DATABASE_URL  PostgreSQL server to use (default: DATABASE_URL's server, else
                           postgres://postgres@127.0.0.1:5432); the check's database is created there
  PROD_CHECK_REDIS_URL     Redis database for the broker and cache (default: REDIS_URL's server,
                           database 9, else redis://127.0.0.1:6379/9)
"""

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "localhost"
START_TIMEOUT = 60
REDIS_DB = 9


class CheckFailed(Exception):
    pass


def say(text):
    print(text, flush=True)


def database_server():
    url = os.environ.get("PROD_CHECK_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    return urlsplit(url)


def redis_url():
    if url := os.environ.get("PROD_CHECK_REDIS_URL"):
        return url
    if url := os.environ.get("REDIS_URL"):
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_DB}", "", ""))
    return f"redis://127.0.0.1:6379/{REDIS_DB}"


def with_database(server, name):
    return urlunsplit((server.scheme, server.netloc, f"/{name}", "", ""))


def admin_connection(server):
    import psycopg

    return psycopg.connect(with_database(server, "postgres"), autocommit=True, connect_timeout=10)


def create_database(server, name):
    with admin_connection(server) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(server, name):
    with admin_connection(server) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def check_redis(url):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        raise CheckFailed(f"Redis at {url} is not answering: {error}") from None
    finally:
        client.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(database_url, redis, folder):
    from cryptography.fernet import Fernet

    # A clean environment: nothing from the developer's shell (DEBUG, a demo setting) leaks in.
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    return env | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CONVENE_PROFILE": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXY_COUNT": "1",
        "SITE_URL": f"https://{HOST}",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis,
        "CONVENE_VAR_DIR": str(folder / "var"),
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "uploads"),
        "PYTHONUNBUFFERED": "1",
    }


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise CheckFailed(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


class Site:
    """Requests to gunicorn as the reverse proxy would make them."""

    def __init__(self, port):
        self.port = port

    def request(self, method, path, *, host=HOST, https=True, headers=None, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": host, **(headers or {})}
        if https:
            sent["X-Forwarded-Proto"] = "https"
            sent["X-Forwarded-For"] = "203.0.113.7"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            response.content = response.read()
        finally:
            connection.close()
        return response


def cookies(response):
    """{name: [attributes, lower case]} for every Set-Cookie header."""
    found = {}
    for header in response.msg.get_all("Set-Cookie") or []:
        first, *attributes = [part.strip() for part in header.split(";")]
        name, _, value = first.partition("=")
        found[name] = {"value": value, "attributes": [a.lower() for a in attributes]}
    return found


PASSED = []


def expect(condition, what, detail=""):
    if not condition:
        raise CheckFailed(f"{what}{': ' + detail if detail else ''}")
    PASSED.append(what)
    say(f"  ok  {what}")


def expect_host_cookie(jar, name):
    cookie = jar.get(name)
    expect(cookie is not None, f"{name} cookie set", f"cookies were {sorted(jar)}")
    attributes = cookie["attributes"]
    expect(
        "secure" in attributes and "path=/" in attributes and not any(a.startswith("domain=") for a in attributes),
        f"{name} is Secure, for the whole site and this host only",
        str(attributes),
    )
    return cookie["value"]


def wait_until_serving(site, server, log_path):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CheckFailed(f"gunicorn stopped at start-up:\n{log_path.read_text()[-4000:]}")
        try:
            if site.request("GET", "/healthz", https=False).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise CheckFailed(f"gunicorn did not answer within {START_TIMEOUT}s:\n{log_path.read_text()[-4000:]}")


def run_checks(site, static_root, staff_email, staff_password):
    say("Checking the running site")
    health = site.request("GET", "/healthz", https=False)
    expect(
        health.status == 200 and health.content == b"ok",
        "/healthz answers ok over plain HTTP (database and cache up)",
        f"{health.status} {health.content[:200]!r}",
    )

    login = site.request("GET", "/accounts/login/")
    expect(login.status == 200, "the sign-in page answers 200 through the proxy", str(login.status))
    hsts = login.getheader("Strict-Transport-Security", "")
    expect(
        "max-age=63072000" in hsts and "includeSubDomains" in hsts and "preload" in hsts,
        "HSTS for two years, subdomains included, preload",
        hsts,
    )
    csp = login.getheader("Content-Security-Policy", "")
    expect(
        "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp,
        "a strict Content Security Policy",
        csp,
    )
    expect(login.getheader("X-Frame-Options") == "DENY", "X-Frame-Options DENY")
    expect(login.getheader("X-Content-Type-Options") == "nosniff", "X-Content-Type-Options nosniff")
    expect(login.getheader("Referrer-Policy") == "same-origin", "Referrer-Policy same-origin")
    expect("no-store" in login.getheader("Cache-Control", ""), "pages are not stored by caches")
    jar = cookies(login)
    csrf = expect_host_cookie(jar, "__Host-csrftoken")
    expect(all(name.startswith("__Host-") for name in jar), "every cookie has the __Host- prefix", str(sorted(jar)))

    page = login.content.decode()
    marker = 'name="csrfmiddlewaretoken" value="'
    expect(marker in page, "the sign-in form carries a CSRF token")
    form_token = page.split(marker, 1)[1].split('"', 1)[0]
    signed_in = site.request(
        "POST",
        "/accounts/login/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"__Host-csrftoken={csrf}",
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}/accounts/login/",
        },
        body=urlencode({"csrfmiddlewaretoken": form_token, "login": staff_email, "password": staff_password}),
    )
    expect(
        signed_in.status == 302,
        "signing in over HTTPS passes the CSRF check",
        f"{signed_in.status} {signed_in.content[:300]!r}",
    )
    session = expect_host_cookie(cookies(signed_in), "__Host-sessionid")
    expect("httponly" in cookies(signed_in)["__Host-sessionid"]["attributes"], "the session cookie is HttpOnly")
    # Either worker may answer: the session lives in the database, so both know it.
    answers = set()
    for _ in range(6):
        home = site.request("GET", "/", headers={"Cookie": f"__Host-sessionid={session}"})
        answers.add((home.status, home.getheader("Location", "")))
    expect(
        answers == {(302, "/accounts/2fa/totp/activate/")},
        "the session is known to every worker (staff without an authenticator app are sent to set one up)",
        str(answers),
    )

    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/convene.css"]
    static = site.request("GET", f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    expect(static.status == 200, f"whitenoise serves the collected /static/{hashed}", str(static.status))
    expect("text/css" in static.getheader("Content-Type", ""), "with the right content type")
    expect("immutable" in static.getheader("Cache-Control", ""), "cached for good (its name changes with its content)")
    encoding = static.getheader("Content-Encoding")
    expect(encoding in ("gzip", "br"), "compressed for browsers that accept it", str(encoding))

    plain = site.request("GET", "/accounts/login/", https=False)
    expect(
        plain.status == 301 and plain.getheader("Location") == f"https://{HOST}/accounts/login/",
        "plain HTTP is redirected to HTTPS",
        f"{plain.status} {plain.getheader('Location')}",
    )

    stranger = site.request("GET", "/accounts/login/", host="convene.invalid")
    expect(stranger.status == 400, "a request for an unknown host is refused with 400", str(stranger.status))

    missing = site.request("GET", "/demo-mailbox/")
    expect(missing.status == 404, "the demo mailbox does not exist in production", str(missing.status))
    expect(b"Traceback" not in missing.content, "no debug page")


def stop(process):
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def interrupted(signum, _frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main():
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, interrupted)
    server_url = database_server()
    redis = redis_url()
    database = f"convene_prodcheck_{os.getpid()}"
    folder = Path(tempfile.mkdtemp(prefix="convene-prodcheck-"))
    log_path = folder / "gunicorn.log"
    gunicorn = None
    created = False
    try:
        check_redis(redis)
        say(f"Creating the throwaway database {database}")
        create_database(server_url, database)
        created = True
        env = production_environment(with_database(server_url, database), redis, folder)

        say("Release steps: check --deploy, migrate, collectstatic")
        manage(env, "check", "--deploy", "--fail-level", "WARNING")
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        staff_email, staff_password = "prodcheck@convene.invalid", secrets.token_urlsafe(24)
        manage(
            env | {"DJANGO_SUPERUSER_PASSWORD": staff_password, "DJANGO_SUPERUSER_FULL_NAME": "Production Check"},
            "createsuperuser",
            "--noinput",
            "--email",
            staff_email,
        )

        port = free_port()
        say(f"Starting gunicorn with two workers on 127.0.0.1:{port}")
        with log_path.open("wb") as log:
            gunicorn = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--timeout",
                    "60",
                    # Its default socket is one per user: two checks at once would fight over it.
                    "--no-control-socket",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        site = Site(port)
        wait_until_serving(site, gunicorn, log_path)
        run_checks(site, folder / "static", staff_email, staff_password)
        # The refused host is logged with a traceback on purpose; a server error is not expected.
        if "Internal Server Error" in log_path.read_text(errors="replace"):
            raise CheckFailed("gunicorn logged a server error")
        say("The production profile works.")
        return 0
    except CheckFailed as failure:
        say(f"FAILED: {failure}")
        if log_path.exists() and log_path.stat().st_size:
            say("gunicorn's log:\n" + log_path.read_text(errors="replace")[-4000:])
        return 1
    except KeyboardInterrupt:
        say("Interrupted.")
        return 130
    finally:
        # Ignore further interruptions while cleaning up, so nothing is left behind half-removed.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
        stop(gunicorn)
        if created:
            try:
                drop_database(server_url, database)
            except Exception as error:  # report it, but let the run's own outcome stand
                say(f"Could not drop the database {database}: {error}")
        shutil.rmtree(folder, ignore_errors=True)
        say("Stopped everything this check started and removed what it made.")


if __name__ == "__main__":
    status = main()
    say(f"prod-check: {len(PASSED)} passed, {0 if status == 0 else 1} failed")
    sys.exit(status)
