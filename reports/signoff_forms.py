from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout, Size
from django import forms

from core.formatting import long_date
from core.forms import Form, GovukDateField
from reports.models import Comment
from reports.signoff import REASON_LENGTH

ANSWER_TEXT_LENGTH = 5000


class AnswerForm(Form):
    """The reviewer's answer to one comment. Rendered by hand (templates/signoff/_answer_form.html):
    a page holds one form per comment, each with its own prefix."""

    response = forms.ChoiceField(
        label="Your answer",
        choices=Comment.Response.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the comment is accepted, amended or not accepted",
            "invalid_choice": "Choose whether the comment is accepted, amended or not accepted",
        },
    )
    amended_text = forms.CharField(
        label="If amended, what did you change?",
        required=False,
        max_length=ANSWER_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"What you changed must be {ANSWER_TEXT_LENGTH:,} characters or fewer"},
    )
    reason = forms.CharField(
        label="If not accepted, why not?",
        required=False,
        max_length=ANSWER_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"The reason must be {ANSWER_TEXT_LENGTH:,} characters or fewer"},
    )

    def __init__(self, *args, comment, **kwargs):
        self.comment = comment
        if comment.response:
            kwargs.setdefault(
                "initial",
                {
                    "response": comment.response,
                    "amended_text": comment.response_text if comment.response == Comment.Response.AMENDED else "",
                    "reason": comment.response_text if comment.response == Comment.Response.NOT_ACCEPTED else "",
                },
            )
        super().__init__(*args, prefix=f"comment-{comment.pk}", **kwargs)

    def clean(self):
        cleaned = super().clean()
        response = cleaned.get("response")
        # A text that is too long already has its own error.
        amended = cleaned.get("amended_text", "").strip() or "amended_text" in self.errors
        reason = cleaned.get("reason", "").strip() or "reason" in self.errors
        if response == Comment.Response.AMENDED and not amended:
            self.add_error("amended_text", "Say what you changed in the report")
        if response == Comment.Response.NOT_ACCEPTED and not reason:
            self.add_error("reason", "Give the reason the comment is not accepted")
        return cleaned

    @property
    def text(self):
        response = self.cleaned_data["response"]
        if response == Comment.Response.AMENDED:
            return self.cleaned_data["amended_text"]
        if response == Comment.Response.NOT_ACCEPTED:
            return self.cleaned_data["reason"]
        return ""


class SignOffVersionField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"Version {obj.number}, added {long_date(obj.created_at)}"


class SignOffForm(Form):
    version = SignOffVersionField(
        label="Which version was signed off?",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the version that was signed off", "invalid_choice": "Choose a version"},
    )
    body = forms.CharField(
        label="Who signed it off?",
        help_text="The group that agreed the report, for example Safeguarding Partnership Executive",
        max_length=200,
        error_messages={
            "required": "Enter who signed the review off",
            "max_length": "Who signed it off must be 200 characters or fewer",
        },
    )
    signed_off_on = GovukDateField(
        name="the date of sign-off",
        label="Date of sign-off",
        help_text="The date of the meeting that agreed it. For example, 27 3 2027",
    )
    minute_reference = forms.CharField(
        label="Minute reference",
        help_text="Where the decision is recorded in the meeting's minutes, for example SPE 2027/14",
        max_length=100,
        error_messages={
            "required": "Enter the minute reference",
            "max_length": "The minute reference must be 100 characters or fewer",
        },
    )
    no_check_reason = forms.CharField(
        label="Why was the draft not checked?",
        help_text="Nobody could be asked to check it. Say why no factual-accuracy check was needed. "
        "The sign-off record shows this.",
        required=False,
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Why the draft was not checked must be {REASON_LENGTH:,} characters or fewer"},
    )
    answers_reason = forms.CharField(
        label="If the version does not include every answer, why sign it off?",
        help_text="Only needed if you choose a version made before answers that say the report changed. "
        "The sign-off record shows this.",
        required=False,
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Why it is signed off without the answers must be {REASON_LENGTH:,} characters or fewer"
        },
    )
    confirm = forms.BooleanField(
        label="I understand that sign-off cannot be undone",
        error_messages={"required": "Confirm that you understand sign-off cannot be undone"},
    )

    def __init__(self, *args, versions, unchecked=False, with_answers=False, **kwargs):
        """`unchecked`: no version went through the check and nobody could be asked, so the reason is
        asked for; `with_answers`: some answers say the report changed, so a version may leave them out."""
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions
        reasons = []
        if unchecked:
            reasons.append(Field.textarea("no_check_reason", label_size=Size.SMALL, rows=3))
        else:
            del self.fields["no_check_reason"]
        if with_answers:
            reasons.append(Field.textarea("answers_reason", label_size=Size.SMALL, rows=3))
        else:
            del self.fields["answers_reason"]
        latest = versions.first()
        if latest is not None and "version" not in self.initial:
            self.initial["version"] = latest.pk
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("version", legend_size=Size.SMALL),
            Field.text("body"),
            Field("signed_off_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.text("minute_reference", field_width=Fixed.TWENTY),
            *reasons,
            Field.checkbox("confirm"),
            Button("submit", "Record the sign-off"),
        )


class HoldForm(Form):
    reason = forms.CharField(
        label="Why is the report held back?",
        help_text="For example, until criminal proceedings have ended. Only staff see this.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the report is held back",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.textarea("reason", label_size=Size.SMALL, rows=3))
