from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from core.forms import Form


class HoldReasonForm(Form):
    """The reason for placing a legal hold, or for lifting it."""

    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, lifting=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        if lifting:
            field.label = "Why is the legal hold lifted?"
            field.help_text = "For example, the trial has ended and the police have confirmed nothing more is needed."
            field.error_messages |= {"required": "Enter why the legal hold is lifted"}
        else:
            field.label = "Why is the review under a legal hold?"
            field.help_text = "For example, criminal proceedings against a parent, or an inquest. Only staff see this."
            field.error_messages |= {"required": "Enter why the review is under a legal hold"}
        field.error_messages |= {"max_length": "The reason for the legal hold must be 2,000 characters or fewer"}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.textarea("reason", label_size=Size.SMALL, rows=3))
