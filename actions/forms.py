from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms

from actions import evidence
from actions.models import Action
from actions.services import MAX_TEXT
from core.forms import Form, GovukDateField
from core.uploads import MAX_UPLOAD_LABEL
from practitioners.models import Agency


class RecommendationForm(Form):
    text = forms.CharField(
        label="Recommendation",
        widget=forms.Textarea,
        max_length=MAX_TEXT,
        help_text="As it is worded in the signed-off report.",
        error_messages={
            "required": "Enter the recommendation",
            "max_length": f"The recommendation must be {MAX_TEXT:,} characters or fewer",
        },
    )

    def __init__(self, *args, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.textarea("text", label_size=Size.SMALL, rows=6), Button("submit", submit_label)
        )


class ActionForm(Form):
    description = forms.CharField(
        label="What will be done",
        widget=forms.Textarea,
        max_length=MAX_TEXT,
        error_messages={
            "required": "Enter what will be done",
            "max_length": f"What will be done must be {MAX_TEXT:,} characters or fewer",
        },
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency", "invalid_choice": "Choose an agency from the list"},
    )
    lead_name = forms.CharField(
        label="Lead person",
        max_length=150,
        help_text="The person in the agency who makes sure the action is done.",
        error_messages={
            "required": "Enter the name of the lead person",
            "max_length": "The name of the lead person must be 150 characters or fewer",
        },
    )
    lead_email = forms.EmailField(
        label="Lead person's email (optional)",
        required=False,
        help_text="Reminders go here when the action is overdue.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )
    due_date = GovukDateField(name="the due date", label="Due date", help_text="For example, 31 3 2027")

    def __init__(self, *args, partnership, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.for_partnership(partnership)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.textarea("description", label_size=Size.SMALL, rows=5),
            Field.select("agency"),
            Field.text("lead_name", label_size=Size.SMALL, field_width=Fluid.TWO_THIRDS),
            Field.text("lead_email", label_size=Size.SMALL, field_width=Fluid.TWO_THIRDS),
            Field("due_date", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Button("submit", submit_label),
        )

    @staticmethod
    def initial_for(action):
        return {
            "description": action.description,
            "agency": action.agency_id,
            "lead_name": action.lead_name,
            "lead_email": action.lead_email,
            "due_date": action.due_date,
        }


class UpdateForm(Form):
    text = forms.CharField(
        label="What has happened",
        widget=forms.Textarea,
        max_length=MAX_TEXT,
        help_text="What has been done since the last update, and what is next.",
        error_messages={
            "required": "Enter what has happened",
            "max_length": f"What has happened must be {MAX_TEXT:,} characters or fewer",
        },
    )
    status = forms.ChoiceField(
        label="Status",
        choices=Action.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the action's status", "invalid_choice": "Choose the action's status"},
    )
    rag = forms.ChoiceField(
        label="RAG rating",
        choices=Action.Rag.choices,
        widget=forms.RadioSelect,
        help_text="Red: it will not be done on time without help. Amber: at risk. Green: on track or done.",
        error_messages={"required": "Choose a RAG rating", "invalid_choice": "Choose a RAG rating"},
    )
    evidence = forms.FileField(
        label="Evidence (optional)",
        required=False,
        help_text=f"A PDF, Word document, Excel workbook, or a PNG or JPEG image, smaller than {MAX_UPLOAD_LABEL}.",
        error_messages={"empty": "The selected file is empty", "invalid": "Choose a file to upload"},
    )

    def __init__(self, *args, action, **kwargs):
        kwargs.setdefault("initial", {"status": action.status, "rag": action.rag})
        super().__init__(*args, **kwargs)
        self.fields["evidence"].widget.attrs["accept"] = evidence.ACCEPT
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.textarea("text", label_size=Size.SMALL, rows=5),
            Field.radios("status", legend_size=Size.SMALL, small=True),
            Field.radios("rag", legend_size=Size.SMALL, small=True),
            Field("evidence", context={"label_size": Size.for_label(Size.SMALL)}),
            Button("submit", "Save the update"),
        )


class AgencyLinkForm(Form):
    name = forms.CharField(
        label="Action owner's name",
        max_length=150,
        error_messages={"required": "Enter the action owner's name"},
    )
    email = forms.EmailField(
        label="Action owner's email",
        error_messages={
            "required": "Enter the action owner's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("name", label_size=Size.SMALL, field_width=Fluid.TWO_THIRDS),
            Field.text("email", label_size=Size.SMALL, field_width=Fluid.TWO_THIRDS),
            Button("submit", "Send the link"),
        )
