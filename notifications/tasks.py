from celery import shared_task

from notifications import services


@shared_task(ignore_result=True)
def send_message(message_id):
    """Send one outbox row. Only the row's id travels through the broker, never its content."""
    wait = services.deliver(message_id)
    if wait is not None:
        send_message.apply_async((message_id,), countdown=wait)


@shared_task(ignore_result=True)
def sweep_outbox():
    """Hand every row that is queued too long or stuck in sending back to a worker."""
    services.fail_exhausted()
    for message_id in services.due_message_ids():
        send_message.delay(message_id)
