from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.urls import reverse

from core.uploads import MAX_UPLOAD_LABEL
from reports.anonymisation import MAX_REASON_LENGTH


class ReportUploadForm(forms.Form):
    file = forms.FileField(
        label="The draft report file",
        help_text=f"A Word document (.docx) or a PDF, smaller than {MAX_UPLOAD_LABEL}.",
        allow_empty_file=False,
        error_messages={
            "required": "Choose a Word document or PDF to upload",
            "empty": "The selected file is empty",
            "invalid": "Choose a Word document or PDF to upload",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = (
            ".docx,.pdf,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(Field("file"), Button("submit", "Upload and check for names"))


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

    def __init__(self, *args, hit, review, **kwargs):
        super().__init__(*args, prefix=f"hit-{hit.pk}", **kwargs)
        self.hit = hit
        self.helper = FormHelper()
        self.helper.form_action = reverse(
            "reports:report_hit_dismiss", args=[review.partnership.slug, review.pk, hit.version.number, hit.pk]
        )
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.textarea("reason", label_size=Size.SMALL, rows=2),
            Button.secondary("submit", "Mark as not a person", css_id=f"hit-{hit.pk}-submit"),
        )
