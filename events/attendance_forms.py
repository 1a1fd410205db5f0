from django import forms

from core.forms import Form
from events.attendance import QUESTIONS
from events.models import Attendance, FeedbackResponse


class AttendanceForm(Form):
    """One radio group per person on the register; a group left empty changes nothing."""

    def __init__(self, *args, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitations = list(invitations)
        for invitation in self.invitations:
            self.fields[self.field_name(invitation)] = forms.ChoiceField(
                label=str(invitation.practitioner),
                choices=Attendance.choices,
                required=False,
                initial=invitation.attendance or None,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": f"Choose whether {invitation.practitioner} attended, attended with their "
                    "manager, or did not attend"
                },
            )

    @staticmethod
    def field_name(invitation):
        return f"person_{invitation.pk}"

    def rows(self, invitations):
        """(invitation, bound field) for the template, in the order given."""
        return [(invitation, self[self.field_name(invitation)]) for invitation in invitations]

    def marks(self):
        return {
            invitation.pk: self.cleaned_data[self.field_name(invitation)]
            for invitation in self.invitations
            if self.cleaned_data.get(self.field_name(invitation))
        }


class FeedbackForm(Form):
    safe_space = forms.ChoiceField(
        label=QUESTIONS["safe_space"],
        choices=FeedbackResponse.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes, partly or no for whether the event felt like a safe space."},
    )
    felt_heard = forms.ChoiceField(
        label=QUESTIONS["felt_heard"],
        choices=FeedbackResponse.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes, partly or no for whether you felt heard."},
    )
    what_would_help = forms.CharField(
        label="What would have helped? (optional)",
        help_text="For example, about how the event was run, the support you had, or the information beforehand. "
        "Please do not name anyone.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "Your answer must be 2,000 characters or fewer."},
    )
