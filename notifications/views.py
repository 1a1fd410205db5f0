from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from notifications.models import OutboundMessage


def _demo_only():
    if not settings.DEMO_MAILBOX:
        raise Http404


def demo_mailbox(request):
    """Demo only: every email the system wrote, as its recipient would see it."""
    _demo_only()
    messages = OutboundMessage.objects.only("recipient", "subject", "state", "created_at", "kind")[:200]
    return render(request, "notifications/demo_mailbox.html", {"outbound_messages": messages})


def demo_message(request, message_id):
    _demo_only()
    message = get_object_or_404(OutboundMessage, pk=message_id)
    return render(request, "notifications/demo_message.html", {"message": message})
