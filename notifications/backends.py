from django.core.mail.backends.base import BaseEmailBackend


class OutboxOnlyBackend(BaseEmailBackend):
    """The demo's backend: messages stay in the outbox, readable in the demo mailbox."""

    def send_messages(self, email_messages):
        return len(email_messages)
