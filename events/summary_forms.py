from datetime import time

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout, Size
from django import forms

from core.formatting import london_datetime, long_date
from core.forms import GovukDateField, TimeOfDayField


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        source = obj.get_source_display()
        return f"Version {obj.number}, {source[0].lower()}{source[1:]}, added {long_date(obj.created_at)}"


class ReleaseForm(forms.Form):
    version = VersionChoiceField(
        label="Which version?",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a version", "invalid_choice": "Choose a version from the list"},
    )
    available_on = GovukDateField(
        name="the date it becomes available",
        label="Date it becomes available",
        help_text="Invitees are emailed now; they can read it from this date. For example, 24 11 2026",
    )
    available_at = TimeOfDayField(
        name="time it becomes available",
        label="Time it becomes available (optional)",
        help_text="For example, 9am. Leave empty for the start of the day.",
        required=False,
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        versions = event.summary_versions.order_by("-number")
        self.fields["version"].queryset = versions
        latest = versions.first()
        if latest is not None and "version" not in self.initial:
            self.initial["version"] = latest.pk
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("version", legend_size=Size.SMALL),
            Field("available_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.text("available_at", field_width=Fixed.FIVE),
            Button("submit", "Release the summary"),
        )

    def clean(self):
        cleaned = super().clean()
        day, at = cleaned.get("available_on"), cleaned.get("available_at")
        if day and "available_at" not in self.errors:
            available_from = london_datetime(day, at or time(0))
            if available_from is None:
                self.add_error("available_at", "The clocks go forward at that time on that day. Enter a different time")
            cleaned["available_from"] = available_from
        return cleaned


class TermsForm(forms.Form):
    agree = forms.BooleanField(
        label="I accept these terms",
        error_messages={"required": "Confirm that you accept the terms to read the summary"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.checkbox("agree"),
            Button("submit", "Accept and read the summary"),
        )
