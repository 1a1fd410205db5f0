from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.urls import reverse
from django.utils import timezone

from core.forms import GovukDateField
from events.models import Event
from practitioners.models import Agency, Nomination


class RequestNominationsForm(forms.Form):
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
        self.helper.form_action = reverse("nomination_request", args=[review.partnership.slug, review.pk])
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


class NominationForm(forms.ModelForm):
    class Meta:
        model = Nomination
        fields = [
            "full_name",
            "job_title",
            "email",
            "phone",
            "role",
            "involvement",
            "line_manager_name",
            "line_manager_email",
        ]
        labels = {
            "full_name": "Full name",
            "job_title": "Job title",
            "email": "Work email address",
            "phone": "Work telephone number (optional)",
            "role": "Their part in the case",
            "involvement": "How they were involved (optional)",
            "line_manager_name": "Line manager's name (optional)",
            "line_manager_email": "Line manager's work email address (optional)",
        }
        help_texts = {
            "involvement": "A sentence is enough, such as ‘health visitor to the family, 2023 to 2024’. "
            "Do not write about the case itself.",
        }
        widgets = {"role": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("job_title", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("phone", field_width=Fluid.ONE_THIRD),
            Field.radios("role", legend_size=Size.SMALL),
            Field.textarea("involvement", rows=3),
            Fieldset(
                Field.text("line_manager_name", field_width=Fluid.TWO_THIRDS),
                Field.text("line_manager_email", field_width=Fluid.TWO_THIRDS),
                legend="Their line manager",
                legend_size=Size.SMALL,
            ),
            Button("submit", "Add this person"),
        )


class AcceptNominationsForm(forms.Form):
    nominations = forms.ModelMultipleChoiceField(
        label="People to accept",
        queryset=Nomination.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one person."},
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
