"""The business manager's forms for nominations: asking agencies, and taking the people they name."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.urls import reverse
from django.utils import timezone

from core.forms import Form, GovukDateField
from events.models import Event
from practitioners.models import Agency, Nomination


class RequestNominationsForm(Form):
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies to ask",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one agency to ask."},
    )
    deadline = GovukDateField(
        name="the date you need the names by", label="Names needed by", help_text="For example, 14 12 2026"
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        asked = review.nomination_requests.values("agency_id")
        self.fields["agencies"].queryset = (
            Agency.objects.for_partnership(review.partnership).exclude(pk__in=asked).exclude(lead_email="")
        )
        self.fields[
            "agencies"
        ].help_text = "Only agencies with a safeguarding lead email address are listed. Each lead gets their own link."
        self.helper = FormHelper()
        self.helper.form_action = reverse("events:nomination_request", args=[review.partnership.slug, review.pk])
        self.helper.layout = Layout(
            Field.checkboxes("agencies", legend_size=Size.SMALL),
            Field("deadline"),
            Button("submit", "Send the requests"),
        )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        today = timezone.localdate()
        if deadline < today:
            raise forms.ValidationError("The date for nominations must be today or later.")
        if deadline > today.replace(year=today.year + 1):
            raise forms.ValidationError("The date for nominations must be within a year from today.")
        return deadline


class AcceptNominationsForm(Form):
    nominations = forms.ModelMultipleChoiceField(
        label="People to accept",
        queryset=Nomination.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one person to add to the directory",
            "invalid_choice": "Choose people to add to the directory from the list",
            "invalid_pk_value": "Choose people to add to the directory from the list",
        },
    )
    event = forms.ModelChoiceField(
        label="Also invite them to (optional)",
        queryset=None,
        required=False,
        empty_label="Do not invite them yet",
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = Nomination.objects.filter(
            request__review=review, status=Nomination.Status.PENDING
        ).select_related("request__agency")
        self.fields["nominations"].label_from_instance = lambda n: f"{n.full_name}, {n.job_title} ({n.request.agency})"
        # Only events whose invitee list can still change.
        self.fields["event"].queryset = review.events.filter(
            status__in=[Event.Status.DRAFT, Event.Status.INVITATIONS_SENT]
        )
