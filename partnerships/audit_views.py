"""The business manager's view of the partnership's audit log."""

from datetime import time, timedelta

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode

from core.access import business_manager_of
from core.formatting import london_datetime
from core.forms import Form, GovukDateField
from core.models import AuditEntry, User

PAGE_SIZE = 50

# What each action code means, in plain English. Codes not listed are shown as the code reads.
PHRASES = {
    "agency.created": "Added an agency",
    "agency.updated": "Changed an agency",
    "auth.signed_in": "Signed in",
    "auth.signed_out": "Signed out",
    "auth.sign_in_failed": "Failed to sign in",
    "event.cancelled": "Cancelled an event",
    "event.created": "Created an event",
    "event.updated": "Changed an event",
    "event.sign_in_sheet_downloaded": "Downloaded an event's sign-in sheet",
    "factsheet.updated": "Changed a factsheet",
    "invitation.link_revoked": "Stopped an invitee's link",
    "link.issued": "Sent a personal link",
    "link.opened": "Opened a personal link",
    "link.revoked": "Stopped a personal link",
    "link.rotated": "Replaced a personal link",
    "invitation.link_rotated": "Sent an invitee a new link",
    "invitations.sent": "Sent invitations",
    "invitee.removed": "Removed an invitee",
    "invitees.added": "Added invitees",
    "nomination.added": "An agency nominated someone",
    "nomination.withdrawn": "An agency withdrew a nomination",
    "nominations.accepted": "Accepted nominations",
    "nominations.chased": "Chased an agency for nominations",
    "nominations.completed": "An agency finished its nominations",
    "nominations.reminded": "Reminded an agency about nominations",
    "nominations.requested": "Asked an agency for nominations",
    "note.created": "A reviewer added a private note",
    "note.deleted": "A reviewer deleted a private note",
    "note.updated": "A reviewer changed a private note",
    "note.viewed": "A reviewer read their private notes",
    "notes.deleted_after_sign_off": "Reviewers' notes deleted after sign-off",
    "partnership.updated": "Changed the partnership's details",
    "practitioner.created": "Added a practitioner to the directory",
    "practitioner.updated": "Changed a practitioner in the directory",
    "practitioners.exported": "Exported the directory",
    "practitioners.imported": "Imported practitioners",
    "review.created": "Created a review",
    "review.real_name_viewed": "Viewed the real name of the child or adult",
    "review.status_changed": "Moved a review to its next stage",
    "review.updated": "Changed a review",
    "rsvp.recorded": "An invitee replied",
    "staff.added": "Added a member of staff",
    "staff.removed": "Removed a member of staff",
    "staff.role_changed": "Changed a member of staff's role",
}


def phrase(action):
    return PHRASES.get(action) or action.replace(".", ": ").replace("_", " ").capitalize()


def object_name(entry):
    """The kind of object and its id, e.g. "Review 12", named from its model without a query."""
    if not entry.object_type:
        return ""
    try:
        name = apps.get_model(entry.object_type)._meta.verbose_name
    except (LookupError, ValueError):
        name = entry.object_type
    return f"{name[0].upper()}{name[1:]} {entry.object_id}".strip()


class AuditFilterForm(Form):
    error_names = {"person": "who did it"}
    action = forms.ChoiceField(label="What happened", required=False)
    person = forms.TypedChoiceField(label="Who", required=False, coerce=int, empty_value=None)
    date_from = GovukDateField(name="the first date", label="First date", required=False)
    date_to = GovukDateField(name="the last date", label="Last date", required=False)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        codes = entries.order_by("action").values_list("action", flat=True).distinct()
        self.fields["action"].choices = [("", "Anything")] + [(code, f"{phrase(code)} ({code})") for code in codes]
        people = User.objects.filter(pk__in=entries.filter(actor__isnull=False).values("actor")).order_by("full_name")
        self.fields["person"].choices = [("", "Anyone")] + [(user.pk, user.full_name or user.email) for user in people]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("action"),
            Field.select("person"),
            Field("date_from", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field("date_to", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Button.secondary("filter", "Show entries"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The last date must be the same as or after the first date")
        return cleaned

    def filter(self, entries):
        if not self.is_valid():
            return entries
        data = self.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["person"] is not None:
            entries = entries.filter(actor_id=data["person"])
        if data["date_from"]:
            entries = entries.filter(created_at__gte=london_datetime(data["date_from"], time.min))
        if data["date_to"]:
            entries = entries.filter(created_at__lt=london_datetime(data["date_to"] + timedelta(days=1), time.min))
        return entries


@login_required
def audit_log(request, slug):
    partnership = business_manager_of(request, slug)
    entries = AuditEntry.objects.filter(partnership=partnership)
    form = AuditFilterForm(request.GET, entries=entries)
    shown = form.filter(entries).select_related("actor").order_by("-created_at", "-id")
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.phrase = phrase(entry.action)
        entry.object_name = object_name(entry)
        entry.who = (entry.actor.full_name or entry.actor.email) if entry.actor else entry.actor_label or "Unknown"
    query = urlencode([(key, value) for key, value in request.GET.items() if key != "page" and value])
    return render(
        request,
        "partnerships/audit_log.html",
        {
            "partnership": partnership,
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "query": query,
        },
    )
