"""The directory's periodic work, run by the beat (config/settings.py lists it)."""

from celery import shared_task

from practitioners import nominations


@shared_task(ignore_result=True)
def send_nomination_reminders():
    """Remind agencies that have named nobody for a review, with a new link."""
    nominations.run_reminders()
