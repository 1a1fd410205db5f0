from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from core.forms import Form
from reviews.factsheets import MAX_SECTION_LENGTH, PLACEHOLDER_RE, PLACEHOLDERS, SECTIONS
from reviews.models import Factsheet

HINTS = {
    "what_it_is": "Why the practitioner is invited, what the review is and the law behind it.",
    "who_will_be_there": "Who chairs the event, who organises it and who else is invited.",
    "how_to_prepare": "What to read beforehand, and how to ask for adjustments or for a line manager to come.",
    "at_the_event": "What the reviewer asks about, that the event is not about blame, and what happens to the notes.",
    "afterwards": "The draft report, the factual-accuracy check, publication and the action plan.",
    "confidentiality": "What practitioners must not share, and that nobody is named in the report.",
    "support": "Where to get support before and after. The support text on the partnership's details page "
    "is added at the end.",
}


class SectionField(forms.CharField):
    def to_python(self, value):
        # Browsers send line breaks as \r\n; count and store each as one character, as the page shows.
        return super().to_python(value).replace("\r\n", "\n")


class FactsheetForm(Form):
    """The seven sections of a factsheet, each a required textarea of up to 3,000 characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECTIONS:
            label = str(Factsheet._meta.get_field(name).verbose_name)
            self.fields[name] = SectionField(
                label=label,
                widget=forms.Textarea,
                max_length=MAX_SECTION_LENGTH,
                help_text=HINTS[name],
                error_messages={
                    "required": f"Enter the text for “{label}”",
                    "max_length": f"“{label}” must be {MAX_SECTION_LENGTH:,} characters or fewer",
                },
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(
                Field.textarea(name, rows=8, max_characters=MAX_SECTION_LENGTH, label_size=Size.SMALL)
                for name in SECTIONS
            ),
            Button("submit", "Save the factsheet"),
        )

    def clean(self):
        cleaned = super().clean()
        names = [f"{{{name}}}" for name in PLACEHOLDERS]
        allowed = ", ".join(names[:-1]) + " and " + names[-1]
        for name in SECTIONS:
            text = cleaned.get(name)
            if text is None:
                continue
            unknown = sorted({match[1] for match in PLACEHOLDER_RE.finditer(text)} - set(PLACEHOLDERS))
            if unknown:
                self.add_error(
                    name,
                    ValidationError(
                        f"“{self.fields[name].label}” uses {{{unknown[0]}}}. "
                        f"The details that can be filled in are {allowed}"
                    ),
                )
        return cleaned
