from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from core.forms import Form
from core.uploads import MAX_UPLOAD_LABEL
from events.summary_documents import MAX_TEXT_LENGTH

MARKUP_HINT = (
    "Start a line with ## for a heading or ### for a smaller heading. Start a line with - for a bullet point, "
    "or 1. for a numbered list. Put *single asterisks* round words to emphasise them and **double asterisks** "
    "for bold. Leave a blank line between paragraphs."
)


class SummaryTextForm(Form):
    text = forms.CharField(
        label="Summary",
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea,
        help_text=MARKUP_HINT,
        strip=False,
        error_messages={
            "required": "Enter the summary",
            "max_length": f"The summary must be {MAX_TEXT_LENGTH:,} characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("text", label_size=Size.SMALL, rows=25),
            Button("submit", "Save as a new version"),
        )


class SummaryUploadForm(Form):
    file = forms.FileField(
        label="Upload the summary file",
        help_text=f"A PDF or a Word document (.docx), smaller than {MAX_UPLOAD_LABEL}.",
        allow_empty_file=False,
        error_messages={
            "required": "Choose a PDF or Word document to upload",
            "empty": "The selected file is empty",
            "invalid": "Choose a PDF or Word document to upload",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = (
            ".pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(Field("file"), Button("submit", "Upload as a new version"))
