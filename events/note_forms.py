from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms

from core.forms import Form


class NoteForm(Form):
    title = forms.CharField(
        label="Title (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "The title must be 200 characters or fewer"},
    )
    body = forms.CharField(
        label="Note",
        max_length=50_000,
        widget=forms.Textarea,
        help_text="Only you and the review's other independent reviewers can read this. "
        "It is deleted after the review is signed off.",
        error_messages={
            "required": "Enter the note",
            "max_length": "The note must be 50,000 characters or fewer",
        },
    )

    def __init__(self, *args, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title", field_width=Fluid.FULL),
            Field.textarea("body", label_size=Size.SMALL, rows=15),
            Button("submit", submit_label),
        )
