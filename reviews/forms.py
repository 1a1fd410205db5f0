from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms

from reviews.models import Membership, Partnership


class StaffMemberForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(
        label="Work email address",
        help_text="We will email a link to this address so they can set a password.",
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
        help_text="An independent reviewer sees only the reviews they are assigned to.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("full_name", field_width=Size.TWO_THIRDS),
            Field.text("email", field_width=Size.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL),
            Button("submit", "Add and send the invitation"),
        )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.radios("role", legend_size=Size.SMALL), Button("submit", "Save role"))


class PartnershipDetailsForm(forms.ModelForm):
    website = forms.URLField(label="Website (optional)", required=False, assume_scheme="https")

    class Meta:
        model = Partnership
        fields = ["contact_name", "contact_email", "contact_phone", "website", "address", "support_text"]
        labels = {
            "contact_name": "Business manager's name",
            "contact_email": "Email address for practitioners' questions",
            "contact_phone": "Telephone number",
            "website": "Website (optional)",
            "address": "Postal address (optional)",
            "support_text": "Support and debrief (optional)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                Field.text("contact_name", field_width=Size.TWO_THIRDS),
                Field.text("contact_email", field_width=Size.TWO_THIRDS),
                Field.text("contact_phone", field_width=Size.ONE_THIRD),
                Field.text("website", field_width=Size.TWO_THIRDS),
                legend="Who practitioners contact",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("address", rows=4),
            Field.textarea("support_text", rows=5),
            Button("submit", "Save details"),
        )
