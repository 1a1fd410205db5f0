from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms

from core.forms import Form, ModelForm
from practitioners import csv_import, services
from practitioners.models import Agency, Practitioner


class AgencyForm(ModelForm):
    class Meta:
        model = Agency
        fields = list(services.AGENCY_FIELDS)
        labels = {
            "name": "Name of the agency",
            "agency_type": "Type of agency",
            "lead_name": "Name (optional)",
            "lead_email": "Email address (optional)",
            "lead_phone": "Telephone number (optional)",
        }
        help_texts = {
            "name": "For example, Northvale Police or St Anne's Primary School.",
            "lead_email": "We send requests to name key staff for a review to this address.",
        }
        error_messages = {
            "name": {"required": "Enter the name of the agency."},
            "agency_type": {"required": "Choose the type of agency.", "invalid_choice": "Choose the type of agency."},
            "lead_email": {"invalid": "Enter the email address in the right form, like name@example.org."},
        }

    def __init__(self, *args, partnership, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.agency = agency
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.select("agency_type"),
            Fieldset(
                Field.text("lead_name", field_width=Fluid.TWO_THIRDS),
                Field.text("lead_email", field_width=Fluid.TWO_THIRDS),
                Field.text("lead_phone", field_width=Fixed.TWENTY),
                legend="Safeguarding lead",
                legend_size=Size.MEDIUM,
            ),
            Button("submit", "Save agency"),
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if services.agency_name_taken(self.partnership, name, exclude=self.agency):
            raise forms.ValidationError(services.AGENCY_NAME_TAKEN)
        return name


class PractitionerForm(ModelForm):
    class Meta:
        model = Practitioner
        fields = list(services.PRACTITIONER_FIELDS)
        labels = {
            "full_name": "Full name",
            "job_title": "Job title",
            "agency": "Agency",
            "email": "Email address (optional)",
            "phone": "Telephone number (optional)",
            "line_manager_name": "Name (optional)",
            "line_manager_email": "Email address (optional)",
        }
        help_texts = {
            "email": "Their work email address. You need it to invite them to an event.",
        }
        error_messages = {
            "full_name": {"required": "Enter the practitioner's full name."},
            "job_title": {"required": "Enter the practitioner's job title."},
            "agency": {
                "required": "Choose the practitioner's agency.",
                "invalid_choice": "Choose one of the partnership's agencies.",
            },
            "email": {"invalid": "Enter the email address in the right form, like name@example.org."},
            "line_manager_email": {"invalid": "Enter the email address in the right form, like name@example.org."},
        }

    def __init__(self, *args, partnership, practitioner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.practitioner = practitioner
        self.fields["agency"].queryset = Agency.objects.for_partnership(partnership)
        self.fields["agency"].empty_label = "Choose an agency"
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("job_title", field_width=Fluid.TWO_THIRDS),
            Field.select("agency"),
            Field.text("email", field_width=Fluid.TWO_THIRDS, spellcheck="false", autocomplete="off"),
            Field.text("phone", field_width=Fixed.TWENTY),
            Fieldset(
                Field.text("line_manager_name", field_width=Fluid.TWO_THIRDS),
                Field.text("line_manager_email", field_width=Fluid.TWO_THIRDS, spellcheck="false", autocomplete="off"),
                legend="Line manager",
                legend_size=Size.MEDIUM,
            ),
            Button("submit", "Save practitioner"),
        )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if services.email_taken(self.partnership, email, exclude=self.practitioner):
            raise forms.ValidationError(services.EMAIL_TAKEN)
        return email

    def clean_line_manager_email(self):
        return self.cleaned_data["line_manager_email"].strip().lower()


class DirectorySearchForm(Form):
    """The search box and agency filter above the directory (a GET form: bad values are ignored)."""

    q = forms.CharField(label="Name, email address, job title or agency", required=False, max_length=200)
    agency = forms.ModelChoiceField(label="Agency", required=False, queryset=Agency.objects.none())

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.for_partnership(partnership)
        self.fields["agency"].empty_label = "All agencies"
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update({"class": "govuk-input", "spellcheck": "false"})
        self.fields["agency"].widget.attrs.update({"class": "govuk-select govuk-!-width-full"})

    def filters(self):
        """(search text, agency or None), keeping only the values that are valid."""
        self.is_valid()
        return self.cleaned_data.get("q", "").strip(), self.cleaned_data.get("agency")


class ImportUploadForm(Form):
    csv_file = forms.FileField(
        label="Upload a CSV file",
        help_text=f"The file must be in CSV format, saved as UTF-8, and smaller than {csv_import.MAX_UPLOAD_LABEL}.",
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "The file is empty. Add a header row and at least one practitioner.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = None
        self.fields["csv_file"].widget.attrs["accept"] = ".csv,text/csv"
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(Field("csv_file"), Button("submit", "Upload and check the file"))

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(
                "The file must be a CSV file, with a name ending in .csv. "
                "In Excel, choose File, then Save As, and pick “CSV UTF-8 (Comma delimited)”."
            )
        if upload.size > csv_import.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {csv_import.MAX_UPLOAD_LABEL}. Split it into smaller files."
            )
        try:
            self.rows = csv_import.parse(upload.read(csv_import.MAX_UPLOAD_BYTES + 1))
        except csv_import.CSVFileError as error:
            raise forms.ValidationError(str(error)) from error
        return upload
