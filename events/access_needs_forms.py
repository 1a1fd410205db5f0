from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from core.forms import Form


class ArrangedForm(Form):
    """Marking an invitee's access needs arranged, with a note the invitee is sent."""

    note = forms.CharField(
        label="What have you arranged? (optional)",
        help_text="We email this to the practitioner with the news that it is arranged. For example, a reserved "
        "parking space by the side entrance.",
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"max_length": "The note must be 1000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.textarea("note", rows=4), Button("submit", "Mark as arranged"))
