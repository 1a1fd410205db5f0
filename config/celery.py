import os

from celery import Celery
from celery.signals import worker_before_create_process

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("convene")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_before_create_process.connect
def _import_weasyprint_before_forking(**kwargs):
    """A prefork pool's children share what its parent imported before forking them: WeasyPrint, which
    takes most of a second to import, is imported once there rather than in each child on its first PDF
    (a factsheet for the first invitations of an event). Celery sends this signal from the pool it uses
    with Redis, as in production; with the demo's filesystem broker, and in solo workers, WeasyPrint is
    still imported when the first PDF is made."""
    from core.pdfs import import_weasyprint

    import_weasyprint()
