import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from core import stamps
from core.access import is_business_manager, partnership_for
from core.downloads import guard_cell
from core.formatting import format_when, long_date, people, people_have, uk_date
from core.paths import url_maker
from events import access_needs, invitations, notes, services, witnesses
from events.forms import CancelEventForm, DirectorySearchForm, EventForm, NewPersonForm, PickInviteesForm
from events.models import Event, Invitation, SummaryRelease
from notifications.models import OutboundMessage
from notifications.previews import attachment_list
from notifications.services import NotFailed, retry_failed
from practitioners import picker
from practitioners.models import NominationRequest, Practitioner
from reviews.access import review_for
from reviews.models import Review

PAGE_SIZE = 100


def event_for(request, slug, event_id, *, manage=False, events=None):
    """An event the user may see (through its review); 404 outside, 403 for a reviewer when manage=True.

    The event and its review come in one query, limited to the reviews the user may see (the same
    rule as review_for); `events` may add annotations for the page that asks.
    """
    partnership = partnership_for(request, slug)
    visible = Review.objects.visible_to(request.user, partnership)
    event = get_object_or_404(
        (events if events is not None else Event.objects).select_related("chair", "review").filter(review__in=visible),
        pk=event_id,
    )
    if manage and not is_business_manager(request.user, partnership):
        raise PermissionDenied
    event.review.partnership = partnership  # the same row, with the user's role already known
    return event


def _refuse_if_cancelled(request, event):
    """Redirect to the event page with a message when the event can no longer be changed."""
    if event.is_cancelled:
        messages.error(request, "This event has been cancelled, so it cannot be changed.")
        return redirect("events:event_detail", request.partnership.slug, event.pk)
    return None


def _posted(request):
    """The submitted data, even when empty (an empty POST must show "choose at least one")."""
    return request.POST if request.method == "POST" else None


def _page_number(request):
    return request.GET.get("page") or 1


@login_required
def event_add(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    form = EventForm(_posted(request), review=review, submit_label="Create the event")
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(
                review,
                details=form.details(),
                learning_themes=form.themes(),
                created_by=request.user,
                request=request,
            )
        except services.EventError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, "The event is created. Now add the people to invite.")
            return redirect("events:event_detail", slug, event.pk)
    return render(
        request,
        "events/event_form.html",
        {"partnership": request.partnership, "review": review, "form": form, "event": None},
    )


@login_required
def event_edit(request, slug, event_id):
    event = event_for(request, slug, event_id, manage=True)
    if refused := _refuse_if_cancelled(request, event):
        return refused
    form = EventForm(_posted(request), review=event.review, event=event, submit_label="Save the changes")
    if request.method == "POST" and form.is_valid():
        try:
            update = services.update_event(
                event,
                details=form.details(),
                learning_themes=form.themes() if "learning_themes" in form.fields else None,
                updated_by=request.user,
                request=request,
            )
        except services.EventError as error:
            if error.field in form.fields:
                form.add_error(error.field, str(error))
            else:
                messages.error(request, str(error))
                return redirect("events:event_detail", slug, event.pk)
        else:
            if not update.changed:
                messages.info(request, "You did not change anything.")
            elif update.invitees_need_update:
                messages.success(
                    request,
                    "The event's details are saved. Everyone invited is getting an email with the new details "
                    "and an updated calendar entry.",
                )
            else:
                messages.success(request, "The event's details are saved.")
            return redirect("events:event_detail", slug, event.pk)
    return render(
        request,
        "events/event_form.html",
        {"partnership": request.partnership, "review": event.review, "form": form, "event": event},
    )


@login_required
def event_cancel(request, slug, event_id):
    event = event_for(request, slug, event_id, manage=True)
    if event.is_cancelled:
        messages.info(request, "This event has already been cancelled.")
        return redirect("events:event_detail", slug, event.pk)
    form = CancelEventForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_event(event, reason=form.cleaned_data["reason"], cancelled_by=request.user, request=request)
        except services.EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The event is cancelled.")
        return redirect("events:event_detail", slug, event.pk)
    return render(
        request,
        "events/event_cancel.html",
        {
            "partnership": request.partnership,
            "event": event,
            "when": format_when(event.starts_at, event.ends_at),
            "form": form,
        },
    )


# The invitee table shows this many people a page.
INVITEES_PAGE_SIZE = 100

# The reply tags of the invitee table, as the reply tag include draws them.
REPLY_TAG_CLASSES = {
    Invitation.Status.NOT_SENT: "govuk-tag--grey",
    Invitation.Status.INVITED: "govuk-tag--blue",
    Invitation.Status.ACCEPTED: "govuk-tag--green",
    Invitation.Status.DECLINED: "govuk-tag--red",
}


class _CountedPaginator(Paginator):
    """A paginator told how many rows there are, so it does not count them again."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


def _invitee_rows(event, invitations, *, slug):
    """The table's rows: each invitee's display values worked out here, not by the template."""
    labels = dict(Invitation.Status.choices)
    detail_url = url_maker("events:invitee_detail", slug, event.pk)
    remove_url = url_maker("events:invitee_remove", slug, event.pk)
    retry_url = url_maker("events:email_retry", slug, event.pk)
    witness_url = url_maker("events:invitee_witness", slug, event.pk)
    rows = []
    for invitation in invitations:
        status, state = invitation["status"], invitation["email_state"]
        not_sent = status == Invitation.Status.NOT_SENT
        rows.append(
            {
                "name": invitation["practitioner__full_name"],
                "job_title": invitation["practitioner__job_title"],
                "agency": invitation["practitioner__agency__name"],
                "email": invitation["practitioner__email"] or "None given",
                "reply": labels[status],
                "reply_class": REPLY_TAG_CLASSES[status],
                "failed": state == OutboundMessage.State.FAILED,
                "email_state": state[:1].upper() + state[1:] if state else "None yet",
                "email_error": invitation["email_error"],
                "retry_url": retry_url(invitation["email_id"]) if state == OutboundMessage.State.FAILED else "",
                "detail_url": "" if not_sent else detail_url(invitation["pk"]),
                "remove_url": remove_url(invitation["pk"]) if not_sent else "",
                "witness_url": witness_url(invitation["pk"]),
                "witness_held_back": bool(invitation.get("witness__pk"))
                and invitation.get("witness__agreed_on") is None,
            }
        )
    return rows


def _places_by_joining(event):
    """A hybrid event's places: those in the room (with those who have not said how), and those online."""
    counts = event.joining_counts()
    not_said = counts["not_said"]
    return {
        "room_taken": counts["in_room"] + not_said,
        "online": people(counts["online"]),
        "not_said": (
            f"{people_have(not_said)} not said whether they will join in the room or online, "
            "so they are counted in the room."
        )
        if not_said
        else "",
    }


def event_stamps(event):
    """The change stamps of everything the event page's kept part shows (core/stamps.py)."""
    partnership_id = event.review.partnership_id
    return [f"event:{event.pk}", f"review:{event.review_id}", f"directory:{partnership_id}", f"outbox:{partnership_id}"]


@login_required
def event_detail(request, slug, event_id):
    """The event page: kept in the cache until something it shows changes (the sending progress too, through the
    outbox's stamp; while emails are on their way the panel asks `event_sending` for the live figures)."""
    event = event_for(
        request,
        slug,
        event_id,
        events=Event.objects.annotate(can_keep_notes=notes.keeps_notes_on_its_review(request.user)),
    )
    is_manager = is_business_manager(request.user, request.partnership)
    can_keep_notes = event.can_keep_notes
    page_number = str(_page_number(request))[:12]
    body = stamps.part(
        event_stamps(event),
        ("events:event_detail", is_manager, can_keep_notes, page_number),
        lambda: render_to_string(
            "events/_event_detail_body.html",
            _event_body(event, request.partnership, is_manager, can_keep_notes, page_number),
        ),
    )
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "review": event.review,
            "partnership": request.partnership,
            "body": mark_safe(stamps.with_csrf(body, request)),  # noqa: S308 - rendered by our own template
        },
    )


def _event_body(event, partnership, can_manage, can_keep_notes, page_number):
    """What the event page's kept part shows, for a business manager or not, and one page of invitees."""
    summary_released = SummaryRelease.objects.filter(event=event).exists()
    # The counts by agency, by reply and the line managers coming, in one pass over the invitations.
    accepted = Q(status=Invitation.Status.ACCEPTED)
    by_agency = list(
        event.invitations.values("practitioner__agency__name")
        .annotate(
            invited=Count("pk"),
            attending=Count("pk", filter=accepted),
            managers_attending=Count("pk", filter=accepted & Q(line_manager_attending=True)),
            **{f"status_{status}": Count("pk", filter=Q(status=status)) for status in Invitation.Status.values},
        )
        .order_by("practitioner__agency__name")
    )
    by_status = {status: sum(row[f"status_{status}"] for row in by_agency) for status in Invitation.Status.values}
    total = sum(row["invited"] for row in by_agency)
    invitee_rows = _with_email_state(event.invitations.order_by("practitioner__full_name", "pk")).values(
        "pk",
        "status",
        "practitioner__full_name",
        "practitioner__job_title",
        "practitioner__agency__name",
        "practitioner__email",
        "email_state",
        "email_error",
        "email_id",
        "witness__pk",
        "witness__agreed_on",
    )
    paginator = _CountedPaginator(invitee_rows, INVITEES_PAGE_SIZE, count=total)
    page = paginator.get_page(page_number)
    held_back = list(witnesses.held_back(event.invitations.not_yet_invited())) if can_manage else []
    return {
        "event": event,
        "review": event.review,
        "partnership": partnership,
        "csrf_token": stamps.CSRF_MARKER,
        "when": format_when(event.starts_at, event.ends_at),
        "reply_by": long_date(event.rsvp_deadline),
        "cancelled_on": long_date(timezone.localdate(event.cancelled_at)) if event.cancelled_at else "",
        "learning_themes": list(event.learning_themes.all()),
        "shared_theme_ids": set(event.shared_themes().values_list("pk", flat=True)),
        # The business manager and the review's reviewers say what the event is (events.outline_views).
        "can_describe": not event.is_cancelled,
        "page": page,
        "invitees": _invitee_rows(event, page.object_list, slug=partnership.slug),
        "page_range": paginator.get_elided_page_range(page.number),
        "total": total,
        "by_status": [(status, label, by_status[status]) for status, label in Invitation.Status.choices],
        "accepted": by_status[Invitation.Status.ACCEPTED],
        # A hybrid event's places are the room's: those joining online take none.
        "joining": _places_by_joining(event) if event.is_hybrid else None,
        "by_agency": by_agency,
        "can_manage": can_manage and not event.is_cancelled,
        "is_manager": can_manage,
        "can_keep_notes": can_keep_notes,
        "summary_release": summary_released,
        "progress": sending_progress(event),
        "not_yet_invited": by_status[Invitation.Status.NOT_SENT],
        # Those the send button invites: the possible witnesses without an agreement wait.
        "to_invite": by_status[Invitation.Status.NOT_SENT] - len(held_back),
        "held_back": held_back,
        "held_back_line": witnesses.held_back_line(len(held_back)),
        "access_needs": event.invitations.accepted()
        .exclude(access_needs="")
        .select_related("practitioner")
        .order_by("practitioner__full_name", "pk"),
        "access_needs_close_on": access_needs.access_needs_close_on(event),
        "declined": _declined_rows(event, slug=partnership.slug),
        "managers_attending": sum(row["managers_attending"] for row in by_agency),
    }


def _declined_rows(event, *, slug):
    """Those who cannot attend, with their reason, the colleague they suggested and what has been done about it.

    One query, however many there are: whether the colleague is on the list, and when their agency's lead was
    asked to nominate, come as annotations. Each row's words and links are worked out here, as plain values,
    rather than by tags and filters in the template for every row.
    """

    asked = NominationRequest.objects.filter(review_id=event.review_id, agency=OuterRef("practitioner__agency"))
    declined = (
        event.invitations.filter(status=Invitation.Status.DECLINED)
        .annotate(
            colleague_invited=Exists(
                Invitation.objects.filter(
                    event=event, practitioner__email=OuterRef("suggested_colleague_email")
                ).exclude(practitioner__email="")
            ),
            agency_asked_on=Subquery(asked.values("requested_at")[:1]),
            agency_reminded_on=Subquery(asked.values("last_chased_at")[:1]),
        )
        .order_by("practitioner__full_name", "pk")
        .values(
            "pk",
            "practitioner__full_name",
            "practitioner__agency__name",
            "decline_reason",
            "suggested_colleague_name",
            "suggested_colleague_email",
            "colleague_invited",
            "agency_asked_on",
            "agency_reminded_on",
        )
    )
    invite_url = url_maker("events:invite_colleague", slug, event.pk)
    ask_url = url_maker("events:ask_agency", slug, event.pk)
    rows = []
    for invitation in declined:
        name, email = invitation["suggested_colleague_name"], invitation["suggested_colleague_email"]
        asked_on, reminded_on = invitation["agency_asked_on"], invitation["agency_reminded_on"]
        rows.append(
            {
                "name": invitation["practitioner__full_name"],
                "agency": invitation["practitioner__agency__name"],
                "reason": invitation["decline_reason"] or "None given",
                "suggested": bool(name or email),
                "colleague_name": name or "Name not given",
                "colleague_email": email,
                "colleague_label": name or email,
                "colleague_invited": invitation["colleague_invited"],
                "invite_url": invite_url(invitation["pk"]),
                "ask_url": ask_url(invitation["pk"]),
                # Built as safe HTML, so the apostrophe reads as typed and only the agency's name is escaped.
                "asked": format_html(
                    "{}'s safeguarding lead was asked to nominate on {}{}.",
                    invitation["practitioner__agency__name"],
                    uk_date(asked_on),
                    f" and reminded on {uk_date(reminded_on)}" if reminded_on else "",
                )
                if asked_on
                else "",
            }
        )
    return rows


PICKER_ACTIONS = {"search", "page", "select_shown", "select_agency", "clear", "add"}


def _picker_query(data, page=None):
    """The search (and page) to come back to, from what the form sent."""
    query = {key: data.get(key, "").strip()[:100] for key in ("q", "agency") if data.get(key, "").strip()}
    if page and str(page) != "1":
        query["page"] = str(page)[:10]
    return urlencode(query)


@login_required
def invitee_add(request, slug, event_id):
    """The directory picker: ticks are kept across searches and pages (in the session) until the people are added."""
    event = event_for(request, slug, event_id, manage=True)
    if refused := _refuse_if_cancelled(request, event):
        return refused
    partnership = request.partnership
    chooser = picker.Picker(request, f"event:{event.pk}", partnership)
    data = request.POST if request.method == "POST" else request.GET
    search = DirectorySearchForm(data, partnership=partnership)
    ticked = request.POST.getlist("practitioners")
    pick = PickInviteesForm({"practitioners": ticked} if ticked else None, partnership=partnership)
    errors = []  # (the id of what is wrong, the message)
    page_number = request.POST.get("current_page") if request.method == "POST" else _page_number(request)
    if request.method == "POST":
        action = "page" if request.POST.get("page") else request.POST.get("action", "add")
        if ticked and not pick.is_valid():
            errors += [("id_practitioners_0", error) for error in pick.errors["practitioners"]]
        elif action not in PICKER_ACTIONS:
            errors.append(("id_q", "Choose what to do: search, select people or add the people you chose"))
        else:
            chooser.update(request.POST.getlist("shown"), ticked)
            if action == "add":
                chosen = list(chooser.chosen())
                if not chosen:
                    errors.append(("id_practitioners_0", "Choose at least one person in the directory to invite"))
                else:
                    return _add_chosen(request, event, chosen, chooser)
            elif action == "select_agency":
                agency = search.cleaned_data.get("agency") if search.is_valid() else None
                if agency is None:
                    errors.append(("id_agency", "Choose an agency to select everyone from it"))
                else:
                    everyone = list(
                        Practitioner.objects.for_partnership(partnership)
                        .filter(agency=agency)
                        .exclude(invitations__event=event)
                        .values_list("pk", flat=True)
                    )
                    chooser.choose(everyone)
                    messages.success(request, f"Everyone from {agency.name} is chosen ({people(len(everyone))}).")
            elif action == "select_shown":
                chooser.choose(request.POST.getlist("shown"))
            elif action == "clear":
                chooser.clear()
            if not errors:
                page = {"page": request.POST.get("page"), "search": 1}.get(action, page_number)
                query = _picker_query(request.POST, page)
                return redirect(f"{request.path}?{query}" if query else request.path)

    practitioners = (
        search.filter(Practitioner.objects.for_partnership(partnership))
        .select_related("agency")
        .annotate(already_invited=Exists(Invitation.objects.filter(event=event, practitioner=OuterRef("pk"))))
        .order_by("full_name", "pk")
    )
    paginator = Paginator(practitioners, PAGE_SIZE)
    page = paginator.get_page(page_number or 1)
    for target, message in errors:
        if target == "id_agency":
            search.add_error("agency", message)  # shown at the field, after the list was filtered
    if not page.object_list:
        # No boxes to link to: the summary leads to the search instead.
        errors = [("id_q" if target == "id_practitioners_0" else target, message) for target, message in errors]
    chosen = list(chooser.chosen().select_related("agency").order_by("full_name", "pk"))
    return render(
        request,
        "events/invitee_add.html",
        {
            "partnership": partnership,
            "event": event,
            "search": search,
            "form": {"errors": errors},
            "errors": errors,
            "pick_errors": [message for target, message in errors if target == "id_practitioners_0"],
            "page": page,
            "shown": [p.pk for p in page.object_list if not p.already_invited],
            "chosen": chosen,
            "chosen_ids": {p.pk for p in chosen},
            "filtered": bool(_picker_query(data)),
        },
    )


def _add_chosen(request, event, chosen, chooser):
    slug = request.partnership.slug
    try:
        added, already_there = services.add_invitees(
            event, chosen, source=Invitation.Source.DIRECTORY, added_by=request.user, request=request
        )
    except services.EventError as error:
        messages.error(request, str(error))
        return redirect("events:event_detail", slug, event.pk)
    chooser.clear()
    if added:
        messages.success(request, f"{people(len(added))} added to the invitee list.")
    if already_there:
        names = ", ".join(p.full_name for p in already_there)
        verb = "was" if len(already_there) == 1 else "were"
        messages.warning(request, f"{names} {verb} already on the invitee list, so we did not add them again.")
    return redirect("events:event_detail", slug, event.pk)


@login_required
def invitee_add_new(request, slug, event_id):
    event = event_for(request, slug, event_id, manage=True)
    if refused := _refuse_if_cancelled(request, event):
        return refused
    form = NewPersonForm(_posted(request), partnership=request.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            practitioner, invitation, created = services.invite_new_person(
                event, details=form.details(), added_by=request.user, request=request
            )
        except services.EventError as error:
            form.add_error(error.field, str(error))
        else:
            if invitation is None:
                messages.warning(request, f"{practitioner.full_name} is already on the invitee list.")
            elif created:
                messages.success(request, f"{practitioner.full_name} is added to the directory and the invitee list.")
            else:
                messages.success(
                    request,
                    f"{practitioner.full_name} was already in the directory and is now on the invitee list.",
                )
            return redirect("events:event_detail", slug, event.pk)
    return render(
        request, "events/invitee_add_new.html", {"partnership": request.partnership, "event": event, "form": form}
    )


@login_required
@require_POST
def invitee_remove(request, slug, event_id, invitation_id):
    event = event_for(request, slug, event_id, manage=True)
    invitation = get_object_or_404(event.invitations.select_related("practitioner"), pk=invitation_id)
    invitation.event = event
    try:
        services.remove_invitee(invitation, removed_by=request.user, request=request)
    except services.EventError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{invitation.practitioner.full_name} is removed from the invitee list.")
    return redirect("events:event_detail", slug, event.pk)


def _with_email_state(queryset):
    """Each invitation with the state of its latest email, in the same query."""
    latest = OutboundMessage.objects.filter(about_type=Invitation._meta.label_lower, about_id=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    return queryset.annotate(
        email_state=Subquery(latest.values("state")[:1]),
        email_error=Subquery(latest.values("last_error")[:1]),
        email_id=Subquery(latest.values("pk")[:1]),
    )


def sending_progress(event):
    """Counts of the event's emails by state, for the live progress panel."""
    counts = dict(
        OutboundMessage.objects.about(Invitation, event.invitations.values("pk"))
        .filter(kind="invitation")
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    progress = {state: counts.get(state, 0) for state in OutboundMessage.State.values}
    progress["total"] = sum(counts.values())
    progress["busy"] = progress["queued"] + progress["sending"] > 0
    return progress


@login_required
def event_sending(request, slug, event_id):
    """The progress panel alone (polled by htmx while emails are on their way)."""
    event = event_for(request, slug, event_id)
    progress = sending_progress(event)
    response = render(request, "events/_sending_progress.html", {"event": event, "progress": progress})
    if not progress["busy"]:
        # Everything has gone: reload the whole page so each invitee's email status is current.
        response["HX-Refresh"] = "true"
    return response


def _sending_check_page(request, event):
    """Check before sending: who gets the invitation, who cannot, the email as it arrives and its attachments."""
    check = invitations.sending_check(event)
    email = check.email() if check.example is not None else None
    held_back = witnesses.held_back(event.invitations.not_yet_invited()).count()
    attachment_url = url_maker("events:event_send_attachment", request.partnership.slug, event.pk)
    return render(
        request,
        "events/event_send_check.html",
        {
            "partnership": request.partnership,
            "event": event,
            "review": event.review,
            "when": format_when(event.starts_at, event.ends_at),
            "check": check,
            "email": email,
            "attachments": attachment_list(email["attachments"], attachment_url) if email else [],
            "html_url": reverse("events:event_send_email", args=[request.partnership.slug, event.pk]),
            "preview_link": invitations.link_url(invitations.PREVIEW_LINK),
            "held_back": held_back,
            "held_back_line": witnesses.held_back_line(held_back),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_send(request, slug, event_id):
    """GET: the check before sending. POST (its button): send the invitations."""
    event = event_for(request, slug, event_id, manage=True)
    if request.method != "POST":
        if refused := _refuse_if_cancelled(request, event):
            return refused
        return _sending_check_page(request, event)
    try:
        sent, skipped = invitations.send_invitations(event, sent_by=request.user, request=request)
    except services.EventError as error:
        messages.error(request, str(error))
    else:
        # Held back is not a problem to fix here: the event page lists them with links to their witness pages.
        held_back = witnesses.held_back(event.invitations.not_yet_invited()).count()
        if sent:
            messages.success(request, f"{people(len(sent))} invited. You can watch the emails go out below.")
        elif not held_back:
            messages.info(request, "Everyone on the list with an email address has already been invited.")
        if held_back:
            messages.info(request, f"Not invited yet: {witnesses.held_back_line(held_back)}.")
        if skipped:
            names = ", ".join(str(invitation.practitioner) for invitation in skipped)
            messages.error(request, f"Not invited, because the directory has no email address for them: {names}.")
    return redirect("events:event_detail", slug, event.pk)


def _invitation_of(request, event, invitation_id):
    return get_object_or_404(event.invitations.select_related("practitioner__agency"), pk=invitation_id)


@login_required
def invitee_detail(request, slug, event_id, invitation_id):
    """One invitee: their reply, their link, and every email sent to them."""
    event = event_for(request, slug, event_id, manage=True)
    invitation = _invitation_of(request, event, invitation_id)
    return render(
        request,
        "events/invitee_detail.html",
        {
            "event": event,
            "review": event.review,
            "partnership": request.partnership,
            "invitation": invitation,
            "link_works": invitation.link_works(),
            "witness": witnesses.witness_of(invitation),
            "history": OutboundMessage.objects.about_one(invitation).order_by("created_at", "pk"),
        },
    )


@login_required
@require_POST
def invitee_resend_link(request, slug, event_id, invitation_id):
    event = event_for(request, slug, event_id, manage=True)
    invitation = _invitation_of(request, event, invitation_id)
    try:
        invitations.resend_link(invitation, sent_by=request.user, request=request)
    except services.EventError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{invitation.practitioner} has a new link by email. Their old link no longer works.")
    return redirect("events:invitee_detail", slug, event.pk, invitation.pk)


@login_required
@require_POST
def invitee_revoke_link(request, slug, event_id, invitation_id):
    event = event_for(request, slug, event_id, manage=True)
    invitation = _invitation_of(request, event, invitation_id)
    invitations.revoke_link(invitation, revoked_by=request.user, request=request)
    messages.success(request, f"{invitation.practitioner}'s link no longer works. Send a new one if they need it.")
    return redirect("events:invitee_detail", slug, event.pk, invitation.pk)


@login_required
@require_POST
def email_retry(request, slug, event_id, message_id):
    event = event_for(request, slug, event_id, manage=True)
    message = get_object_or_404(
        OutboundMessage.objects.about(Invitation, event.invitations.values("pk")), pk=message_id
    )
    try:
        retry_failed(message, by=request.user, request=request)
    except NotFailed as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(request, f"We will try the email to {message.recipient} again.")
    return redirect("events:event_detail", slug, event.pk)


@login_required
def event_replies_csv(request, slug, event_id):
    """The invitee list with replies and access needs, for the venue and the register."""
    event = event_for(request, slug, event_id, manage=True)
    rows = event.invitations.select_related("practitioner__agency").order_by("practitioner__full_name")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="replies-event-{event.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "name",
            "job_title",
            "agency",
            "email",
            "reply",
            "joining",
            "access_needs",
            "access_needs_arranged_on",
            "line_manager_attending",
            "decline_reason",
            "suggested_colleague_name",
            "suggested_colleague_email",
            "replied_at",
        ]
    )
    joining_words = {Invitation.Joining.IN_ROOM: "in the room", Invitation.Joining.ONLINE: "online"}
    for invitation in rows:
        person = invitation.practitioner
        writer.writerow(
            [
                guard_cell(value)
                for value in (
                    person.full_name,
                    person.job_title,
                    person.agency.name,
                    person.email,
                    invitation.get_status_display(),
                    joining_words.get(event.joining_of(invitation), ""),
                    invitation.access_needs,
                    timezone.localtime(invitation.access_needs_arranged_at).strftime("%d/%m/%Y")
                    if invitation.access_needs_arranged_at
                    else "",
                    {True: "yes", False: "no"}.get(invitation.line_manager_attending, ""),
                    invitation.decline_reason,
                    invitation.suggested_colleague_name,
                    invitation.suggested_colleague_email,
                    timezone.localtime(invitation.responded_at).strftime("%d/%m/%Y %H:%M")
                    if invitation.responded_at
                    else "",
                )
            ]
        )
    return response
