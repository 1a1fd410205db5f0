"""The draft report's periodic work, run by the beat (config/settings.py lists it)."""

from celery import shared_task

from reports import reminders


@shared_task(ignore_result=True)
def send_check_reminders():
    """Remind those asked to check a draft who have not answered, before the deadline."""
    reminders.run()
