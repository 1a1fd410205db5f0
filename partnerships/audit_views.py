"""The business manager's view of the partnership's audit log, and its CSV export.

Entries read as the screens do (see core.audit): the version numbers the pages show, staff by name,
the review's reference. Practitioners' names show only to the partnership's own business manager.
"""

from datetime import time, timedelta

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import audit
from core.access import business_manager_of
from core.downloads import csv_response
from core.formatting import london_datetime, uk_datetime
from core.forms import Form, GovukDateField
from core.models import AuditEntry, Membership, User
from partnerships import services

PAGE_SIZE = 50
# The CSV is written from the database in batches of this many entries, each described in a few queries.
EXPORT_BATCH = 500
CSV_HEADER = ["When (UK time)", "Who", "What happened", "What it was about", "Review", "From where", "Action code"]


class AuditFilterForm(Form):
    error_names = {"person": "who did it"}
    action = forms.ChoiceField(label="What happened", required=False)
    person = forms.TypedChoiceField(label="Who", required=False, coerce=int, empty_value=None)
    date_from = GovukDateField(name="the first date", label="First date", required=False)
    date_to = GovukDateField(name="the last date", label="Last date", required=False)

    def __init__(self, *args, entries, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].choices = [("", "Any review"), *audit.review_choices(partnership)]
        self.fields["review"].error_messages["invalid_choice"] = "Select a review from the list"
        codes = entries.order_by("action").values_list("action", flat=True).distinct()
        self.fields["action"].choices = [("", "Anything")] + [
            (code, f"{audit.phrase(code)} ({code})") for code in codes
        ]
        self.fields["action"].error_messages["invalid_choice"] = "Select what happened from the list"
        people = User.objects.filter(pk__in=entries.filter(actor__isnull=False).values("actor")).order_by("full_name")
        self.fields["person"].choices = [("", "Anyone")] + [(user.pk, user.full_name or user.email) for user in people]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("review"),
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
        if data["review"] is not None:
            entries = entries.filter(audit.about_review(data["review"]))
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["person"] is not None:
            entries = entries.filter(actor_id=data["person"])
        if data["date_from"]:
            entries = entries.filter(created_at__gte=london_datetime(data["date_from"], time.min))
        if data["date_to"]:
            entries = entries.filter(created_at__lt=london_datetime(data["date_to"] + timedelta(days=1), time.min))
        return entries

    def chosen(self):
        """The filters as they were chosen, for the export's audit entry."""
        return {key: str(value) for key, value in self.cleaned_data.items() if value not in (None, "")}


def _filtered(request, partnership):
    entries = AuditEntry.objects.filter(partnership=partnership)
    form = AuditFilterForm(request.GET, entries=entries, partnership=partnership)
    shown = form.filter(entries).select_related("actor").order_by("-created_at", "-id")
    return form, shown


def _may_see_names(request, partnership):
    """Practitioners' names are for the partnership's own business manager, not a service administrator."""
    return partnership.role_of(request.user) == Membership.Role.BUSINESS_MANAGER


def _query(request):
    return urlencode([(key, value) for key, value in request.GET.items() if key not in ("page", "filter") and value])


@login_required
def audit_log(request, slug):
    partnership = business_manager_of(request, slug)
    form, shown = _filtered(request, partnership)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.describe(page, named=_may_see_names(request, partnership))
    for entry in page:
        entry.phrase = audit.phrase(entry.action)
    return render(
        request,
        "partnerships/audit_log.html",
        {
            "partnership": partnership,
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "query": _query(request),
        },
    )


def _rows(entries, *, named):
    batch = []
    for entry in entries.iterator(chunk_size=EXPORT_BATCH):
        batch.append(entry)
        if len(batch) == EXPORT_BATCH:
            yield from _described(batch, named=named)
            batch = []
    yield from _described(batch, named=named)


def _described(batch, *, named):
    for entry in audit.describe(batch, named=named):
        yield [
            uk_datetime(entry.created_at, seconds=True),
            entry.who,
            audit.phrase(entry.action),
            entry.what,
            entry.review,
            entry.ip_address or "Not recorded",
            entry.action,
        ]


@never_cache
@login_required
@require_GET
def audit_log_csv(request, slug):
    """The filtered log, every entry of it (not one page), as CSV; a filter that does not make sense
    goes back to the page, which says why."""
    partnership = business_manager_of(request, slug)
    form, shown = _filtered(request, partnership)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('partnerships:audit_log', args=[partnership.slug])}?{_query(request)}")
    rows = list(_rows(shown, named=_may_see_names(request, partnership)))
    services.record_audit_export(
        partnership=partnership, by=request.user, filters=form.chosen(), count=len(rows), request=request
    )
    filename = f"audit-log-{partnership.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename, CSV_HEADER, rows)
