from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fluid, Layout, Size
from django import forms

from core.forms import ModelForm
from practitioners.models import Nomination


class NominationForm(ModelForm):
    class Meta:
        model = Nomination
        fields = [
            "full_name",
            "job_title",
            "email",
            "phone",
            "role",
            "involvement",
            "line_manager_name",
            "line_manager_email",
        ]
        labels = {
            "full_name": "Full name",
            "job_title": "Job title",
            "email": "Work email address",
            "phone": "Work telephone number (optional)",
            "role": "Their part in the case",
            "involvement": "How they were involved (optional)",
            "line_manager_name": "Line manager's name (optional)",
            "line_manager_email": "Line manager's work email address (optional)",
        }
        help_texts = {
            "involvement": "A sentence is enough, such as ‘health visitor to the family, 2023 to 2024’. "
            "Do not write about the case itself.",
        }
        widgets = {"role": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("job_title", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("phone", field_width=Fluid.ONE_THIRD),
            Field.radios("role", legend_size=Size.SMALL),
            Field.textarea("involvement", rows=3),
            Fieldset(
                Field.text("line_manager_name", field_width=Fluid.TWO_THIRDS),
                Field.text("line_manager_email", field_width=Fluid.TWO_THIRDS),
                legend="Their line manager",
                legend_size=Size.SMALL,
            ),
            Button("submit", "Add this person"),
        )
