"""The reviews' periodic work, run by the beat (config/settings.py lists it)."""

from celery import shared_task

from reviews import retention


@shared_task(ignore_result=True)
def apply_retention():
    """The daily sweep: remove what closed reviews keep about people once their time is up."""
    retention.run()
