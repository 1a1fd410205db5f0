"""Printed documents for an event: the sign-in sheet (attendance register)."""

from django.contrib.auth.decorators import login_required
from django.utils import timezone

from core import audit
from core.downloads import pdf_response, safe_name
from core.formatting import people
from core.pdfs import render_pdf
from events.factsheets import event_place
from events.models import Invitation
from events.views import event_for

# Spare rows for people who come without being on the list (a colleague sent in someone's place).
BLANK_ROWS = 6


def render_sign_in_sheet(event):
    """The event's register as an A4 tagged PDF: those attending, then those yet to reply.

    At a hybrid event only those in the room sign in: those joining online are counted, not listed.
    Runs a fixed number of queries whatever the number of invitees.
    """
    review = event.review
    invitations = list(
        event.invitations.filter(status__in=[Invitation.Status.ACCEPTED, Invitation.Status.INVITED])
        .select_related("practitioner__agency")
        .order_by("practitioner__full_name", "id")
    )
    attending = [i for i in invitations if i.status == Invitation.Status.ACCEPTED]
    context = {
        "event": event,
        "review": review,
        "partnership": review.partnership,
        "place": event_place(event),
        "attending": [i for i in attending if event.joining_of(i) != Invitation.Joining.ONLINE],
        "online_people": people(sum(1 for i in attending if event.joining_of(i) == Invitation.Joining.ONLINE)),
        "not_replied": [i for i in invitations if i.status == Invitation.Status.INVITED],
        "blank_rows": [None] * BLANK_ROWS,
    }
    return render_pdf("events/pdfs/sign_in_sheet.html", context)


def sign_in_sheet_filename(event):
    day = timezone.localtime(event.starts_at).date()
    return f"sign-in-sheet-{safe_name(event.review.reference) or 'event'}-{day:%Y-%m-%d}.pdf"


@login_required
def event_sign_in_sheet(request, slug, event_id):
    """The sign-in sheet for the business manager to print; it names people, so each download is logged."""
    event = event_for(request, slug, event_id, manage=True)
    pdf = render_sign_in_sheet(event)
    audit.record("event.sign_in_sheet_downloaded", request=request, partnership=request.partnership, obj=event)
    return pdf_response(pdf, sign_in_sheet_filename(event))
