"""The practitioner's side: a personal link, no account."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core import links
from events import access_needs, agency, calendar, invitations, summary
from events.models import Invitation
from events.rsvp_forms import NewLinkForm, ReplyForm
from events.services import EventError

invitation_start = links.start_view(invitations.INVITATION_LINK)
with_invitation = links.holder(invitations.INVITATION_LINK)


def _link_does_not_work(request, status=404):
    return invitations.INVITATION_LINK.unavailable(request, status)


def _initial(invitation):
    if invitation.status not in (Invitation.Status.ACCEPTED, Invitation.Status.DECLINED):
        return {"tell_agency": "no"}
    return {
        "attending": "yes" if invitation.status == Invitation.Status.ACCEPTED else "no",
        "joining": invitation.joining or None,
        "access_needs": invitation.access_needs,
        "line_manager_attending": {True: "yes", False: "no"}.get(invitation.line_manager_attending),
        "tell_agency": "yes" if invitation.tell_agency else "no",
        "decline_reason": invitation.decline_reason,
        "suggested_colleague_name": invitation.suggested_colleague_name,
        "suggested_colleague_email": invitation.suggested_colleague_email,
    }


@with_invitation
def invitation_page(request, invitation):
    agency_contact = agency.contact_of(invitation)
    form = ReplyForm(
        request.POST or None,
        initial=_initial(invitation),
        agency_contact=agency_contact,
        hybrid=invitation.event.is_hybrid,
    )
    access_needs.fit_reply_form(form, invitation.event)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.record_rsvp(invitation, **form.cleaned_data, request=request)
        except EventError as error:
            form.add_error(error.field, str(error))
        else:
            told = ""
            if invitation.tell_agency and "tell_agency" in invitation.reply_changes and agency_contact is not None:
                told = f" {agency_contact.told}"
            if not invitation.reply_changes:
                messages.info(request, "Your reply is unchanged.")
            elif "status" not in invitation.reply_changes:
                messages.success(request, f"Thank you. Your changes are saved and the partnership can see them.{told}")
            elif invitation.status == Invitation.Status.ACCEPTED:
                messages.success(
                    request, f"Thank you. You are down as attending. We have emailed you a calendar file.{told}"
                )
            else:
                messages.success(request, "Thank you for letting us know. We have emailed you to confirm.")
            return redirect("invitation:page")
    event = invitation.event
    return render(
        request,
        "events/invitation/page.html",
        {
            "invitation": invitation,
            "event": event,
            "review": event.review,
            "partnership": event.review.partnership,
            "form": form,
            "can_reply": invitations.can_reply(invitation),
            "summary_reader": summary.reader_for(invitation),
            "summary_paused": summary.paused(invitation),
            "agency_contact": agency_contact,
            "shared_themes": list(event.shared_themes()),
        },
    )


@with_invitation
def invitation_calendar(request, invitation):
    method = "CANCEL" if invitation.event.is_cancelled or invitation.status == Invitation.Status.DECLINED else "REQUEST"
    response = HttpResponse(
        calendar.build(invitation.event, invitation, method=method), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="practitioner-event.ics"'
    return response


@with_invitation
def invitation_factsheet(request, invitation):
    from events.factsheets import event_factsheet

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
        return render(request, "events/invitation/new_link_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "events/invitation/new_link.html", {"form": form})


@require_POST
def invitation_leave(request):
    links.forget(request, invitations.INVITATION_LINK)
    return redirect("invitation:left")


def invitation_left(request):
    return render(request, "events/invitation/left.html")
