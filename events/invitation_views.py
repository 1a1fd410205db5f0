"""The practitioner's side: a personal link, no account."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import links
from events import calendar, invitations, summary
from events.models import Invitation
from events.rsvp_forms import NewLinkForm, ReplyForm
from events.services import EventError

LINK_PURPOSE = "invitation"


def _link_does_not_work(request, status=404):
    return render(request, "invitations/link_invalid.html", status=status)


@never_cache
def invitation_start(request, token):
    """Opening the link (GET or HEAD, by a person or a mail scanner) changes nothing; the button's POST does."""
    if links.is_limited(request):
        return _link_does_not_work(request, status=429)
    invitation = invitations.invitation_for_token(token)
    if invitation is None:
        links.too_many_bad_links(request)
        return _link_does_not_work(request)
    request.partnership = invitation.event.review.partnership
    if request.method == "POST":
        links.grant(request, LINK_PURPOSE, invitation)
        return redirect("invitation_page")
    return render(request, "invitations/start.html", {"invitation": invitation, "event": invitation.event})


def _granted(request):
    invitation = links.granted(
        request, LINK_PURPOSE, Invitation.objects.select_related("event__review__partnership", "practitioner__agency")
    )
    if invitation is None or not invitations.link_works(invitation):
        return None
    request.partnership = invitation.event.review.partnership
    return invitation


def _initial(invitation):
    if invitation.status not in (Invitation.Status.ACCEPTED, Invitation.Status.DECLINED):
        return {}
    return {
        "attending": "yes" if invitation.status == Invitation.Status.ACCEPTED else "no",
        "access_needs": invitation.access_needs,
        "line_manager_attending": {True: "yes", False: "no"}.get(invitation.line_manager_attending),
        "decline_reason": invitation.decline_reason,
        "suggested_colleague_name": invitation.suggested_colleague_name,
        "suggested_colleague_email": invitation.suggested_colleague_email,
    }


@never_cache
def invitation_page(request):
    invitation = _granted(request)
    if invitation is None:
        return _link_does_not_work(request, status=403)
    form = ReplyForm(request.POST or None, initial=_initial(invitation))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.record_rsvp(invitation, **form.cleaned_data, request=request)
        except EventError as error:
            form.add_error(error.field, str(error))
        else:
            if invitation.status == Invitation.Status.ACCEPTED:
                messages.success(request, "Thank you. You are down as attending. We have emailed you a calendar file.")
            else:
                messages.success(request, "Thank you for letting us know. We have emailed you to confirm.")
            return redirect("invitation_page")
    event = invitation.event
    return render(
        request,
        "invitations/page.html",
        {
            "invitation": invitation,
            "event": event,
            "review": event.review,
            "partnership": event.review.partnership,
            "form": form,
            "can_reply": invitations.can_reply(invitation),
            "summary_reader": summary.reader_for(invitation),
        },
    )


@never_cache
def invitation_calendar(request):
    invitation = _granted(request)
    if invitation is None:
        return _link_does_not_work(request, status=403)
    method = "CANCEL" if invitation.event.is_cancelled or invitation.status == Invitation.Status.DECLINED else "REQUEST"
    response = HttpResponse(
        calendar.build(invitation.event, invitation, method=method), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="practitioner-event.ics"'
    return response


@never_cache
def invitation_factsheet(request):
    from events.factsheets import event_factsheet

    invitation = _granted(request)
    if invitation is None:
        return _link_does_not_work(request, status=403)
    filename, pdf = event_factsheet(invitation.event)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def invitation_new_link(request):
    """Lost your link? Ask for a new one. The answer never says whether the address is known."""
    form = NewLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = form.cleaned_data["email"].strip().lower()
        # Limited per address as well as per person asking, so nobody can churn someone else's links.
        by_ip = links.too_many(f"new-link-ip:{request.META.get('REMOTE_ADDR', '')}", limit=10, window=3600)
        by_email = links.too_many(f"new-link-email:{links.hash_token(address)}", limit=3, window=3600)
        if not (by_ip or by_email):
            for invitation in invitations.open_invitations_for_email(form.cleaned_data["email"]):
                try:
                    invitations.resend_link(invitation, request=request)
                except EventError:
                    continue
        return render(request, "invitations/new_link_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "invitations/new_link.html", {"form": form})


@require_POST
def invitation_leave(request):
    links.forget(request, LINK_PURPOSE)
    return redirect("invitation_left")


def invitation_left(request):
    return render(request, "invitations/left.html")
