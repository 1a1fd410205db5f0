from datetime import time

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout, Size
from django import forms
from django.utils import timezone

from core.formatting import london_datetime, long_date
from core.forms import Form, GovukDateField, TimeOfDayField


def check_result(version):
    """The names check's result for a version, in words: on the release page beside each version."""
    if version.name_check_at is None:
        return "Not checked for names"
    if version.open_hit_count:
        return (
            f"May name someone: {version.open_hit_count} place{'' if version.open_hit_count == 1 else 's'} to deal with"
        )
    return "Checked: names nobody"


def _label(version):
    source = version.get_source_display()
    return f"Version {version.number}, {source[0].lower()}{source[1:]}, added {long_date(version.created_at)}"


class ReleaseForm(Form):
    version = forms.ChoiceField(
        label="Which version?",
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

    def __init__(self, *args, event, versions, release=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The newest version that passed the names check first, then the rest, newest first.
        self.versions = sorted(versions, key=lambda v: (not (v.name_check_at and not v.open_hit_count), -v.number))
        self.fields["version"].choices = [
            Choice(str(version.pk), _label(version), hint=check_result(version)) for version in self.versions
        ]
        if self.versions and "version" not in self.initial:
            self.initial["version"] = str(self.versions[0].pk)
        if release is not None:
            # Releasing again keeps the date already set unless it is changed.
            available = timezone.localtime(release.available_from)
            self.initial.setdefault("available_on", available.date())
            if available.time() != time(0):
                self.initial.setdefault("available_at", available.time())
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("version", legend_size=Size.SMALL),
            Field("available_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.text("available_at", field_width=Fixed.FIVE),
            Button("submit", "Release the summary"),
        )

    def clean_version(self):
        chosen = {str(version.pk): version for version in self.versions}.get(self.cleaned_data["version"])
        if chosen is None:
            raise forms.ValidationError("Choose a version from the list")
        return chosen

    def clean(self):
        cleaned = super().clean()
        day, at = cleaned.get("available_on"), cleaned.get("available_at")
        if day and "available_at" not in self.errors:
            available_from = london_datetime(day, at or time(0))
            if available_from is None:
                self.add_error("available_at", "The clocks go forward at that time on that day. Enter a different time")
            cleaned["available_from"] = available_from
        return cleaned
