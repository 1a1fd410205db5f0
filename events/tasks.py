"""The events' periodic work, run by the beat (config/settings.py lists it)."""

from celery import shared_task

from events import agency, digest, note_deletion, reminders


@shared_task(ignore_result=True)
def send_reminders():
    """Remind invitees who have not replied, and those attending, when their partnership says."""
    reminders.run()


@shared_task(ignore_result=True)
def delete_signed_off_notes():
    """The daily sweep: warn reviewers, then delete private notes whose time has come after sign-off."""
    note_deletion.run()


@shared_task(ignore_result=True)
def tell_agencies_after_events():
    """The daily sweep: after an event, tell the line manager or safeguarding lead of each attendee who asked."""
    agency.tell_after_events()


@shared_task(ignore_result=True)
def send_reply_digests():
    """The daily digest for business managers: new access needs, declines and missing replies, each once."""
    digest.run()
