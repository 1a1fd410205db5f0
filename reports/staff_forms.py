from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from core.forms import Form
from core.uploads import MAX_UPLOAD_LABEL


class ReportUploadForm(Form):
    file = forms.FileField(
        label="The draft report file",
        help_text=f"A Word document (.docx) or a PDF, smaller than {MAX_UPLOAD_LABEL}.",
        allow_empty_file=False,
        error_messages={
            "required": "Choose the draft report file to upload, a Word document or PDF",
            "empty": "The selected draft report file is empty",
            "invalid": "Choose the draft report file to upload, a Word document or PDF",
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
