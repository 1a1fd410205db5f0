"""The files behind the check before sending invitations: the email's HTML and its attachments."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_safe

from events import invitations
from events.views import event_for
from notifications.previews import attachment_response, email_html_response


def _email(request, slug, event_id):
    """The email the first invitee waiting would get now, as the check page shows it."""
    event = event_for(request, slug, event_id, manage=True)
    check = invitations.sending_check(event)
    if check.example is None:
        raise Http404("Nobody is waiting for an invitation.")
    return check.email()


@login_required
@require_safe
def event_send_email(request, slug, event_id):
    """The invitation's HTML as the invitee's email program gets it, for the check page's frame."""
    return email_html_response(_email(request, slug, event_id)["body_html"])


@login_required
@require_safe
def event_send_attachment(request, slug, event_id, number):
    """One of the invitation's attachments, made as the outbox makes it when it sends."""
    response = attachment_response(_email(request, slug, event_id)["attachments"], number)
    if response is None:
        raise Http404("The invitation has no such attachment.")
    return response
