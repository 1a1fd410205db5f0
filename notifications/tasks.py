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
    """Hand back to a worker every row whose worker died (its lease ran out) or that is queued too long."""
    services.fail_exhausted()
    for message_id in services.release_expired_claims() + services.due_message_ids():
        send_message.delay(message_id)
