from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from core.forms import Form, GovukDateField


class AgreementForm(Form):
    """The police or prosecution liaison's agreement that a possible witness may take part."""

    liaison_name = forms.CharField(
        label="Liaison's name",
        max_length=150,
        error_messages={"required": "Enter the liaison's name"},
    )
    liaison_organisation = forms.CharField(
        label="Their organisation",
        help_text="For example, Northvale Police or the Crown Prosecution Service.",
        max_length=200,
        error_messages={"required": "Enter the liaison's organisation"},
    )
    agreed_on = GovukDateField(
        name="the date the liaison agreed", label="Date they agreed", help_text="For example, 27 11 2026"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("liaison_name"),
            Field.text("liaison_organisation"),
            Field("agreed_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Button("submit", "Record the agreement"),
        )
