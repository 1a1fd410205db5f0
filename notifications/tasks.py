from celery import shared_task
from django.conf import settings

from notifications import services


@shared_task(ignore_result=True)
def send_message(message_id):
    """Send one outbox row. Only the row's id travels through the broker, never its content."""
    wait = services.deliver(message_id)
    if wait is not None:
        services.dispatch(message_id, countdown=wait)


@shared_task(ignore_result=True)
def send_batch():
    """Send a batch of due rows over this worker's connection; another task while more may be due, and retries."""
    _, retries, more = services.deliver_batch()
    if more:
        services.dispatch()
    for message_id, wait in retries:
        services.dispatch(message_id, countdown=wait)


@shared_task(ignore_result=True)
def sweep_outbox():
    """Hand back to workers every row whose worker died (its lease ran out) or that is queued too long."""
    services.fail_exhausted()
    found = len(services.release_expired_claims()) + len(services.due_message_ids())
    for _ in range(-(-found // settings.OUTBOX_BATCH_SIZE)):
        services.dispatch()
