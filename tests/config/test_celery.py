"""The Celery app's own set-up (config/celery.py)."""

import subprocess
import sys

from django.conf import settings


def test_weasyprint_is_imported_when_a_prefork_pool_is_about_to_fork_and_not_at_start_up():
    # The signal is the one Celery's prefork pool sends in the parent before each child it forks (with Redis,
    # as in production); a real worker's children were seen sharing the parent's WeasyPrint that way.
    # In a fresh interpreter: this one may have imported WeasyPrint already for an earlier test.
    script = (
        "import sys, django; django.setup(); "
        "from celery.signals import worker_before_create_process; from config.celery import app; "
        "assert 'weasyprint' not in sys.modules, 'imported at start-up'; "
        "worker_before_create_process.send(sender=None); "
        "assert 'weasyprint' in sys.modules, 'not imported before forking'"
    )
    finished = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
