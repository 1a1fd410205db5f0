import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.management.commands.seed_demo import DEMO_PASSWORD, PARTNERSHIPS, demo_totp_secret


def _stop(*_):
    raise KeyboardInterrupt


def site_url(addrport):
    """The address the demo's emails link to: the server's own (this machine when it listens on all)."""
    host, _, port = addrport.rpartition(":")
    if host in ("", "0.0.0.0", "::", "[::]"):  # noqa: S104 (a server listening on all is reached here)
        host = "127.0.0.1"
    return f"http://{host}:{port}"


class Command(BaseCommand):
    help = "Seed the demo and serve it with a Celery worker and beat, until Ctrl-C (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def start_afresh_if_outdated(self):
        """A demo database made before the migrations were last rewritten cannot migrate: put it aside."""
        from django.db import connection
        from django.db.migrations.exceptions import InconsistentMigrationHistory
        from django.db.migrations.loader import MigrationLoader

        try:
            MigrationLoader(connection).check_consistent_history(connection)
        except InconsistentMigrationHistory:
            connection.close()
            database = settings.DATABASES["default"]
            if database["ENGINE"] != "django.db.backends.sqlite3":
                raise CommandError("The database was made by an older Convene. Start with an empty one.") from None
            old = f"{database['NAME']}.old"
            for suffix in ("", "-wal", "-shm"):
                path = f"{database['NAME']}{suffix}"
                with contextlib.suppress(FileNotFoundError):
                    os.replace(path, old + suffix)
            self.stdout.write(f"The demo database was made by an older Convene: kept as {old}; a new one is made.")

    def handle(self, *args, addrport, **options):
        if not settings.DEBUG:
            raise CommandError("The demo runs only in development (DEBUG is on).")
        # The links in every email, whether the seed, the server or the worker and beat write it.
        settings.SITE_URL = site_url(addrport)
        environment = {**os.environ, "SITE_URL": settings.SITE_URL}
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.start_afresh_if_outdated()
        call_command("migrate", verbosity=0)
        call_command("createcachetable")
        # Before the seed, which queues emails: the broker's folders must be there to take them.
        for folder in ("queue", "processed", "control"):
            (settings.BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
        call_command("seed_demo")
        python = sys.executable
        processes = [
            subprocess.Popen([python, "manage.py", "runserver", "--noreload", addrport], env=environment),
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--beat",
                    "--loglevel",
                    "INFO",
                    "--pool",
                    "solo",
                    "--schedule",
                    str(settings.VAR_DIR / "celerybeat-schedule"),
                ],
                env=environment,
            ),
        ]
        self.print_sign_in(addrport)
        # Ctrl-C, or a plain kill: both stop everything. (A shell that starts the demo in the
        # background ignores SIGINT, so handle it explicitly rather than rely on the default.)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, _stop)
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
            self.stderr.write("A demo process stopped; stopping the others.")
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes:
                if process.poll() is None:
                    process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
            self.stdout.write("The demo has stopped.")

    def print_sign_in(self, addrport):
        lines = [
            "",
            f"Convene demo: http://{addrport}/",
            f"Every demo account's password: {DEMO_PASSWORD}",
            "Each account has an authenticator app set up. Get its current code with",
            "  .venv/bin/python manage.py demo_totp EMAIL",
            "or add its secret to an authenticator app:",
        ]
        for spec in PARTNERSHIPS:
            lines.append(f"  {spec['name']}")
            for email, _name, role in spec["staff"]:
                lines.append(f"    {email:<30} {role.label:<22} secret {demo_totp_secret(email)}")
        lines += [f"Emails stay in the demo mailbox: http://{addrport}/demo-mailbox/", "Press Ctrl-C to stop.", ""]
        self.stdout.write("\n".join(lines))
