"""Forms for the factual-accuracy check: choosing who checks the draft, and a checker's comment."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fixed, Layout, Size
from django import forms

from core.forms import Form
from reports.circulation import DEFAULT_WORKING_DAYS, MAX_WORKING_DAYS, Person
from reports.models import Checker

NUMBER_INPUT = {"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}
DAYS_MESSAGE = f"Enter a number of working days between 1 and {MAX_WORKING_DAYS}"


def _choices(people):
    return [Choice(person.email, person.name, hint=person.agency.name if person.agency else "") for person in people]


class CirculateForm(Form):
    attendees = forms.MultipleChoiceField(
        label="People who attended the practitioner event",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose people from the list"},
    )
    leads = forms.MultipleChoiceField(
        label="Safeguarding leads of their agencies and of the agencies asked for nominations",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose people from the list"},
    )
    extra_name = forms.CharField(label="Full name", required=False, max_length=150)
    extra_email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    working_days = forms.IntegerField(
        label="Working days to check it",
        help_text="Weekends and bank holidays in England do not count. The date it works out to is shown "
        "before you send anything.",
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        widget=forms.TextInput(attrs=NUMBER_INPUT),
        initial=DEFAULT_WORKING_DAYS,
        error_messages={
            "required": "Enter the number of working days people have to check the draft",
            "invalid": "Enter the number of working days as a whole number, like 10",
            "min_value": DAYS_MESSAGE,
            "max_value": DAYS_MESSAGE,
        },
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.reachable = [person for person in people if person.reachable]
        groups = {
            "attendees": [p for p in self.reachable if p.role == Checker.Role.ATTENDEE],
            "leads": [p for p in self.reachable if p.role == Checker.Role.LEAD],
        }
        for name, group in groups.items():
            if group:
                self.fields[name].choices = _choices(group)
                self.initial.setdefault(name, [person.email for person in group])
            else:
                del self.fields[name]
        self.helper = FormHelper()
        lists = [Field.checkboxes(name, legend_size=Size.MEDIUM, small=True) for name in groups if name in self.fields]
        self.helper.layout = Layout(
            *lists,
            Fieldset(
                Field.text("extra_name", field_width=Fixed.TWENTY),
                Field.text("extra_email", field_width=Fixed.TWENTY),
                legend="Add someone else (optional)",
                legend_size=Size.MEDIUM,
            ),
            Field.text("working_days", field_width=Fixed.TWO),
            Button("continue", "Continue"),
        )

    def clean_extra_name(self):
        return " ".join(self.cleaned_data["extra_name"].split())

    def clean_extra_email(self):
        return self.cleaned_data["extra_email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        name, email = cleaned.get("extra_name"), cleaned.get("extra_email")
        if name and not email and "extra_email" not in self.errors:
            self.add_error("extra_email", "Enter the email address of the person you are adding")
        if email and not name:
            self.add_error("extra_name", "Enter the full name of the person you are adding")
        if not self.errors and not self.people():
            first = next((name for name in ("attendees", "leads") if name in self.fields), "extra_name")
            self.add_error(first, "Choose at least one person to check the draft")
        return cleaned

    def people(self):
        """Everyone chosen, and the added person if there is one."""
        chosen = set(self.cleaned_data.get("attendees", [])) | set(self.cleaned_data.get("leads", []))
        people = [person for person in self.reachable if person.email in chosen]
        if self.cleaned_data.get("extra_name") and self.cleaned_data.get("extra_email"):
            people.append(
                Person(
                    role=Checker.Role.OTHER,
                    name=self.cleaned_data["extra_name"],
                    email=self.cleaned_data["extra_email"],
                )
            )
        return people


class CommentForm(Form):
    paragraph = forms.IntegerField(
        label="Paragraph number",
        min_value=0,
        widget=forms.TextInput(attrs=NUMBER_INPUT),
        error_messages={
            "required": "Enter the number of the paragraph your comment is about",
            "invalid": "Enter the paragraph number as a whole number, like 12",
            "min_value": "Enter the paragraph number as a whole number, like 12",
        },
    )
    text = forms.CharField(
        label="What is not accurate",
        help_text="Say what the draft gets wrong about the facts: what happened, when, or who did what.",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={
            "required": "Enter what is not accurate",
            "max_length": "What is not accurate must be 5,000 characters or fewer",
        },
    )
    correction = forms.CharField(
        label="Your proposed correction (optional)",
        help_text="What it should say instead, if you know.",
        widget=forms.Textarea,
        max_length=5000,
        required=False,
        error_messages={"max_length": "Your proposed correction must be 5,000 characters or fewer"},
    )

    def __init__(self, *args, version, submit_label="Save comment", **kwargs):
        super().__init__(*args, **kwargs)
        unit = version.unit
        field = self.fields["paragraph"]
        field.label = f"{unit.capitalize()} number"
        field.help_text = f"From 1 to {version.unit_count}. The number is shown beside each {unit} of the draft."
        for key in ("required", "invalid", "min_value"):
            field.error_messages[key] = field.error_messages[key].replace("paragraph", unit)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("paragraph", field_width=Fixed.FOUR),
            Field.textarea("text", rows=5),
            Field.textarea("correction", rows=4),
            Button("submit", submit_label),
        )
