"""GOV.UK form fields used across the product (dates in three boxes, times typed as people write them), and
the form that marks a place the names check found as not a person."""

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
                validators=[RegexValidator(r"^\d{4}$", "Year must include 4 numbers")],
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


class NotAPersonForm(forms.Form):
    """One per open hit on the version page; the prefix keeps each form's field ids apart."""

    reason = forms.CharField(
        label="Why is this not a person?",
        help_text="For example, it is the name of a street, a building or a service.",
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why this is not a person",
            "max_length": f"The reason must be {MAX_REASON_LENGTH} characters or fewer",
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
