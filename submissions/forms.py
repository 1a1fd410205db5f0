"""Forms for the written accounts: the business manager's request and answer, the lead's upload, sending
and request for more time."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms
from django.urls import reverse
from django.utils import timezone

from core.formatting import long_date
from core.forms import Form, GovukDateField
from core.uploads import MAX_UPLOAD_LABEL
from practitioners.models import Agency
from submissions.models import AccountRequest
from submissions.services import MAX_WORKING_DAYS

ACCEPT = ".docx,.pdf,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _file_field(label, help_text, required=True):
    field = forms.FileField(
        label=label,
        help_text=help_text,
        required=required,
        allow_empty_file=False,
        error_messages={
            "required": "Choose a Word document or PDF to upload",
            "empty": "The selected file is empty",
            "invalid": "Choose a Word document or PDF to upload",
        },
    )
    field.widget.attrs["accept"] = ACCEPT
    return field


class RequestAccountsForm(Form):
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies to ask",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one agency to ask"},
    )
    kind = forms.ChoiceField(
        label="What to ask for",
        choices=AccountRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what to ask the agencies for"},
    )
    template_name = forms.CharField(
        label="Your template's name (only if you chose your own template)",
        required=False,
        max_length=150,
        help_text="For example, ‘Individual management review’",
        error_messages={"max_length": "The template's name must be 150 characters or fewer"},
    )
    template_file = _file_field(
        "Your template's file (only if you chose your own template)",
        f"A Word document (.docx) or a PDF, smaller than {MAX_UPLOAD_LABEL}. Each safeguarding lead can download it.",
        required=False,
    )
    working_days = forms.IntegerField(
        label="Working days the agencies have",
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        initial=20,
        help_text="Counted from today, without weekends and bank holidays in England",
        error_messages={
            "required": "Enter the number of working days the agencies have",
            "invalid": "The number of working days must be a whole number, like 20",
            "min_value": f"The number of working days must be between 1 and {MAX_WORKING_DAYS}",
            "max_value": f"The number of working days must be between 1 and {MAX_WORKING_DAYS}",
        },
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        asked = review.account_requests.values("agency_id")
        self.fields["agencies"].queryset = (
            Agency.objects.for_partnership(review.partnership).exclude(pk__in=asked).exclude(lead_email="")
        )
        self.fields["agencies"].help_text = (
            "Only agencies with a safeguarding lead email address and not yet asked are listed. "
            "Each lead gets their own link."
        )
        self.helper = FormHelper()
        self.helper.form_action = reverse("accounts:ask", args=[review.partnership.slug, review.pk])
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.checkboxes("agencies", legend_size=Size.SMALL, small=True),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("template_name", field_width=Fluid.TWO_THIRDS),
            Field("template_file"),
            Field.text("working_days", field_width=Fixed.TWO),
            Button("submit", "Send the requests"),
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == AccountRequest.Kind.TEMPLATE:
            if not (data.get("template_name") or "").strip():
                self.add_error("template_name", "Enter the name of your template")
            if not data.get("template_file") and "template_file" not in self.errors:
                self.add_error("template_file", "Choose your template's file to upload")
        return data


class ExtensionDecisionForm(Form):
    decision = forms.ChoiceField(
        label="Do you grant the new date?",
        choices=[("grant", "Grant the new date"), ("refuse", "Refuse")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to grant or refuse more time"},
    )
    refusal_reason = forms.CharField(
        label="Why you are refusing (if you refuse)",
        help_text="The safeguarding lead will read this",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.SMALL),
            Field.textarea("refusal_reason", rows=3),
            Button("submit", "Send your answer"),
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("refusal_reason") or "").strip():
            self.add_error("refusal_reason", "Enter why you are refusing more time: the safeguarding lead will read it")
        return data


class UploadForm(Form):
    file = _file_field("Upload a file", f"A Word document (.docx) or a PDF, smaller than {MAX_UPLOAD_LABEL}.")
    document = forms.TypedChoiceField(
        label="Is this a new document or a new version of one you sent?",
        coerce=int,
        # Until a first file is sent there is no choice to make: the field is not shown, and means a new one.
        required=False,
        empty_value=0,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Choose whether this is a new document or replaces one you sent",
        },
    )

    def __init__(self, *args, account_request, **kwargs):
        super().__init__(*args, **kwargs)
        documents = account_request.documents.prefetch_related("versions")
        choices = [(0, "A new document")]
        for document in documents:
            newest = document.versions.all()[0]
            choices.append((document.pk, f"Replaces {newest.original_filename} (version {newest.number})"))
        self.fields["document"].choices = choices
        self.fields["document"].initial = 0
        self.helper = FormHelper()
        self.helper.form_action = reverse("account_link:page")
        self.helper.attrs = {"novalidate": ""}
        fields = [Field("file")]
        if len(choices) > 1:
            fields.append(Field.radios("document", legend_size=Size.SMALL, small=True))
        self.helper.layout = Layout(*fields, Button("submit", "Upload the file"))


class SendForm(Form):
    author_name = forms.CharField(
        label="Who wrote it",
        max_length=150,
        error_messages={
            "required": "Enter the name of the person who wrote the account",
            "max_length": "The name of the person who wrote the account must be 150 characters or fewer",
        },
    )
    author_role = forms.CharField(
        label="Their job title or role",
        max_length=150,
        error_messages={
            "required": "Enter the job title or role of the person who wrote the account",
            "max_length": "The job title must be 150 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Fieldset(
                Field.text("author_name", field_width=Fluid.TWO_THIRDS),
                Field.text("author_role", field_width=Fluid.TWO_THIRDS),
                legend="Who wrote the account",
                legend_size=Size.SMALL,
            ),
            Button("submit", "Send your account"),
        )


class MoreTimeForm(Form):
    new_deadline = GovukDateField(
        name="the date you can send your account by",
        label="The date you can send it by",
        help_text="For example, 14 1 2027",
    )
    reason = forms.CharField(
        label="Why you need more time",
        help_text="Do not write about the case itself",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={
            "required": "Enter why you need more time",
            "max_length": "The reason you need more time must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, account_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = account_request.deadline
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field("new_deadline"), Field.textarea("reason", rows=4), Button("submit", "Ask for more time")
        )

    def clean_new_deadline(self):
        day = self.cleaned_data["new_deadline"]
        today = timezone.localdate()
        if day <= self.deadline:
            raise forms.ValidationError(
                f"The new date must be after the date your account is needed by, {long_date(self.deadline)}"
            )
        if day <= today:
            raise forms.ValidationError("The new date must be in the future")
        return day
