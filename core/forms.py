"""GOV.UK form fields used across the product (dates in three boxes, times typed as people write them), the
base forms whose error messages name their field, and the form that marks a place the names check found as not
a person."""

import re
from datetime import date, time

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from core import names
from core.formatting import format_time, parse_time
from core.names import MAX_REASON_LENGTH

# Error messages that name the field ------------------------------------------------------------------

# Keys Django's validators raise under, which a field's error_messages may replace (see Field.run_validators).
_VALIDATOR_KEYS = ("max_length", "min_length", "max_value", "min_value", "null_characters_not_allowed")


def _django_default(field, key):
    """The message Django itself gives `field` under `key`, or None if Django has none."""
    for klass in type(field).__mro__:
        if klass.__module__.startswith("django.") and key in klass.__dict__.get("default_error_messages", {}):
            return klass.__dict__["default_error_messages"][key]
    return None


def error_name(label):
    """How a message names a field, from its label: "Work email address (optional)" -> "the work email
    address"; a question -> "the answer to “Will you attend?”", though a form had better name it in
    `error_names`. None for an empty label."""
    text = re.sub(r"\s*\(optional\)\s*$", "", str(label or "")).strip().rstrip(":").strip()
    if not text:
        return None
    if text.endswith("?"):
        return f"the answer to “{text}”"
    if not text[1:2].isupper():  # keep "CSPR", "RAG" and the like
        text = text[0].lower() + text[1:]
    if text.split()[0] in ("the", "a", "an", "your", "their", "its", "who", "what", "why", "how", "when", "which"):
        return text
    return f"the {text}"


def _kind(field):
    if isinstance(field, forms.BooleanField):
        return "tick"
    if isinstance(field, forms.FileField):
        return "file"
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return "choices"
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return "choice"
    return "text"


def _messages(field, name):
    """GOV.UK messages for `field`, naming it as `name` ("the reference")."""
    subject = name[0].upper() + name[1:]
    kind = _kind(field)
    required = {
        "tick": f"Tick the box to confirm {name}",
        "file": f"Choose a file for {name}",
        "choices": f"Choose at least one of {name}",
        "choice": f"Choose {name}",
        "text": f"Enter {name}",
    }[kind]
    if isinstance(field, forms.EmailField):
        invalid = f"Enter {name} in the correct format, like name@example.org"
    elif isinstance(field, forms.URLField):
        invalid = f"Enter {name} in the correct format, like https://www.example.org"
    elif isinstance(field, forms.IntegerField):
        invalid = f"Enter {name} as a whole number, like 10"
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        invalid = f"Enter {name} as a number, like 2.5"
    elif kind == "file":
        invalid = f"Choose a file for {name}"
    elif kind in ("choice", "choices"):
        invalid = f"Choose {name} from the list"
    else:
        invalid = f"Enter {name} in the correct format"
    messages = {
        "required": required,
        "blank": required,
        "null": required,
        "invalid": invalid,
        "invalid_choice": f"Choose {name} from the list",
        "invalid_pk_value": f"Choose {name} from the list",
        "invalid_list": f"Choose {name} from the list",
        "missing": f"Choose a file for {name}",
        "empty": f"The file chosen for {name} is empty",
        "contradiction": f"Either choose a file for {name} or remove the one there is, not both",
        "null_characters_not_allowed": f"{subject} must not contain hidden control characters: type it again",
    }
    max_length, min_length = getattr(field, "max_length", None), getattr(field, "min_length", None)
    if kind == "file" and max_length:
        messages["max_length"] = f"The name of the file for {name} must be {max_length:,} characters or fewer"
    elif max_length:
        messages["max_length"] = f"{subject} must be {max_length:,} characters or fewer"
    if min_length:
        messages["min_length"] = f"{subject} must be {min_length:,} characters or more"
    low, high = getattr(field, "min_value", None), getattr(field, "max_value", None)
    if low is not None and high is not None:
        messages["min_value"] = messages["max_value"] = f"{subject} must be between {low:,} and {high:,}"
    elif low is not None:
        messages["min_value"] = f"{subject} must be {low:,} or more"
    elif high is not None:
        messages["max_value"] = f"{subject} must be {high:,} or less"
    return messages


def name_errors(field, name):
    """Replace Django's own messages on `field` ("This field is required.") with ones naming it as `name`;
    messages a form sets itself are kept."""
    if name is None:
        return
    for key, message in _messages(field, name).items():
        current = field.error_messages.get(key)
        # Email and web addresses are checked by validators, whose messages come under "invalid".
        raised = key in _VALIDATOR_KEYS or (key == "invalid" and isinstance(field, forms.EmailField | forms.URLField))
        if current is None and not raised and _django_default(field, key) is None:
            continue  # a message this kind of field never gives
        if current is None or current == _django_default(field, key):
            field.error_messages[key] = message


class NamedErrors:
    """Every error message names its field and says what to do, GOV.UK style.

    Django's own messages ("This field is required.", "Enter a valid email address.", "Select a valid
    choice.") become "Enter the reference", "Enter the work email address in the correct format…",
    "Choose the agency from the list", naming the field from its label (see `error_name`); a form names a
    field whose label is a question, or reads badly in a sentence, in `error_names`. Messages a field sets
    itself are kept. The names are filled in just before validation, when every label is final.
    """

    error_names = {}  # field name -> how messages name it, e.g. {"attending": "whether you can attend"}

    def full_clean(self):
        for key, field in self.fields.items():
            name_errors(field, self.error_names.get(key) or error_name(field.label or key.replace("_", " ")))
        super().full_clean()


class Form(NamedErrors, forms.Form):
    """The product's form: its error messages name their fields."""


class ModelForm(NamedErrors, forms.ModelForm):
    """The product's model form: its error messages name their fields."""


# GOV.UK dates and times ---------------------------------------------------------------------------------


class _DateWidget(DateInputWidget):
    def get_context(self, name, value, attrs):
        # crispy-forms-gds leaves aria-describedby="" (invalid HTML) on the boxes of a date with an
        # error; the fieldset around them already points to the error.
        context = super().get_context(name, value, attrs)
        for box in context["widget"]["subwidgets"]:
            if box["attrs"].get("aria-describedby") == "":
                del box["attrs"]["aria-describedby"]
        return context


class GovukDateField(DateInputField):
    """A GOV.UK date input (day, month and year boxes) with messages that name the date."""

    widget = _DateWidget

    def __init__(self, *, name, **kwargs):
        # `name` is how the messages refer to the date, e.g. "the date of the event".
        sentence = name[0].upper() + name[1:]
        real = f"{sentence} must be a real date"
        fields = (
            forms.CharField(
                error_messages={"incomplete": f"{sentence} must include a day"},
                validators=[RegexValidator(r"^\d{1,2}$", real)],
            ),
            forms.CharField(
                error_messages={"incomplete": f"{sentence} must include a month"},
                validators=[RegexValidator(r"^\d{1,2}$", real)],
            ),
            forms.CharField(
                error_messages={"incomplete": f"{sentence} must include a year"},
                validators=[RegexValidator(r"^\d{4}$", f"The year of {name} must include 4 numbers, like 2027")],
            ),
        )
        self.real_date_message = real
        forms.MultiValueField.__init__(
            self,
            fields=fields,
            require_all_fields=False,
            error_messages={"required": f"Enter {name}", "incomplete": f"Enter {name}"},
            **kwargs,
        )

    def compress(self, data_list):
        if not all(data_list):
            return None
        day, month, year = (int(part) for part in data_list)
        if not 1900 <= year <= 2200:
            raise ValidationError(self.real_date_message, code="invalid")
        try:
            return date(year, month, day)
        except ValueError:
            raise ValidationError(self.real_date_message, code="invalid") from None


class TimeOfDayField(forms.CharField):
    """A time typed the way people write it ("10am", "2:30pm", "14:30")."""

    def __init__(self, *, name, **kwargs):
        self.name = name
        super().__init__(error_messages={"required": f"Enter the {name}"}, **kwargs)

    def _invalid_message(self):
        return f"Enter the {self.name} as a time of day, like 10am, 2:30pm or 14:30"

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        parsed = parse_time(text) if len(text) <= 20 else None
        if parsed is None:
            raise ValidationError(self._invalid_message(), code="invalid")
        return parsed

    def prepare_value(self, value):
        return format_time(value) if isinstance(value, time) else value


class NotAPersonForm(Form):
    """One per open hit on the version page; the prefix keeps each form's field ids apart."""

    reason = forms.CharField(
        label="Why is this not a person?",
        help_text="For example, it is the name of a street, a building or a service.",
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why this is not a person",
            "max_length": f"Why this is not a person must be {MAX_REASON_LENGTH} characters or fewer",
        },
    )

    def __init__(self, *args, hit, action, **kwargs):
        super().__init__(*args, prefix=f"hit-{hit.pk}", **kwargs)
        self.hit = hit
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.textarea("reason", label_size=Size.SMALL, rows=2),
            Button.secondary("submit", "Mark as not a person", css_id=f"hit-{hit.pk}-submit"),
        )


def name_hits_context(version, *, subject_word, dismiss_url, editable, failed=None):
    """What templates/core/_name_hits.html shows of a version's names check: each hit in words, its
    context with the match marked, and while `editable` its "not a person" form (`failed`, if given, is
    the bound form that did not pass, shown again with its error)."""
    hits = list(version.name_hits.select_related("resolved_by"))
    for hit in hits:
        hit.version = version
        hit.kind_label = names.kind_label(hit, subject_word)
        hit.context_parts = names.marked(hit.context, hit.matched)
        if hit.status == names.NameHit.Status.OPEN and editable:
            retried = failed is not None and failed.hit.pk == hit.pk
            hit.form = failed if retried else NotAPersonForm(hit=hit, action=dismiss_url(hit))
    return {"version": version, "hits": hits, "open_count": sum(h.status == names.NameHit.Status.OPEN for h in hits)}
