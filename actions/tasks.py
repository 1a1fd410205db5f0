"""The action plan's periodic work, run by the beat (config/settings.py lists it)."""

from celery import shared_task

from actions import reminders


@shared_task(ignore_result=True)
def send_overdue_reminders():
    """Remind the leads of overdue actions, once for each week an action is overdue."""
    reminders.run()
