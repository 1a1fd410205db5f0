"""The written accounts' periodic work, run by the beat (config/settings.py lists it)."""

from celery import shared_task

from submissions import reminders


@shared_task(ignore_result=True)
def send_account_reminders():
    """Remind agencies whose written account is due soon or late, once each."""
    reminders.run_reminders()
