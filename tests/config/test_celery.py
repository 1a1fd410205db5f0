"""The Celery app's own set-up (config/celery.py)."""

import subprocess
import sys

from django.conf import settings


def test_a_prefork_worker_imports_weasyprint_before_it_forks_its_children():
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
