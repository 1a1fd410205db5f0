from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from notifications.models import OutboundMessage
from notifications.previews import attachment_list, attachment_response, email_html_response


def _demo_only():
    if not settings.DEMO_MAILBOX:
        raise Http404


def demo_mailbox(request):
    """Demo only: every email the system wrote, as its recipient would see it."""
    _demo_only()
    messages = OutboundMessage.objects.only(
        "recipient", "subject", "state", "created_at", "kind", "attachments", "from_name"
    )[:200]
    for message in messages:
        message.files = attachment_list(message.attachments, _attachment_url(message))
    return render(request, "notifications/demo_mailbox.html", {"outbound_messages": messages})


def _attachment_url(message):
    return lambda number: reverse("notifications:demo_attachment", args=[message.pk, number])


def demo_message(request, message_id):
    _demo_only()
    message = get_object_or_404(OutboundMessage, pk=message_id)
    return render(
        request,
        "notifications/demo_message.html",
        {
            "message": message,
            "attachments": attachment_list(message.attachments, _attachment_url(message)),
            "html_url": reverse("notifications:demo_message_html", args=[message.pk]) if message.body_html else "",
        },
    )


@require_safe
def demo_message_html(request, message_id):
    """The email's HTML, for the frame on its page."""
    _demo_only()
    message = get_object_or_404(OutboundMessage, pk=message_id)
    if not message.body_html:
        raise Http404("This email has no HTML version.")
    return email_html_response(message.body_html)


@require_safe
def demo_attachment(request, message_id, number):
    """One of the email's attachments, made as the outbox made it when it sent the email."""
    _demo_only()
    message = get_object_or_404(OutboundMessage, pk=message_id)
    response = attachment_response(message.attachments, number)
    if response is None:
        raise Http404("The email has no such attachment.")
    return response
