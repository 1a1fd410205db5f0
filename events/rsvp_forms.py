from django import forms

from core.forms import Form
from events.models import Invitation

# The questions that go with each answer to "Will you attend?": revealed under it, and kept only with it.
IF_ATTENDING = ("joining", "access_needs", "line_manager_attending", "tell_agency")
IF_NOT_ATTENDING = ("decline_reason", "suggested_colleague_name", "suggested_colleague_email")


class ReplyForm(Form):
    error_names = {
        "attending": "whether you will attend",
        "access_needs": "your access needs",
        "line_manager_attending": "whether your line manager will come with you",
        "tell_agency": "whether to tell your agency that you are taking part",
        "decline_reason": "why you cannot attend",
    }
    attending = forms.TypedChoiceField(
        label="Will you attend?",
        choices=[("yes", "Yes, I will attend"), ("no", "No, I cannot attend")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you will attend, or no if you cannot."},
    )
    access_needs = forms.CharField(
        label="Do you have any access needs? (optional)",
        help_text="For example, step-free access, a hearing loop, breaks, or a quiet space.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    line_manager_attending = forms.TypedChoiceField(
        label="Will your line manager come with you for support?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    tell_agency = forms.TypedChoiceField(
        label=(
            "Would you like us to tell your line manager or your agency's safeguarding lead that you are taking part?"
        ),
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        required=False,
        empty_value=False,
        widget=forms.RadioSelect,
    )
    decline_reason = forms.CharField(
        label="Why can you not attend? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    suggested_colleague_name = forms.CharField(
        label="Colleague who knew the family better (optional)", required=False, max_length=150
    )
    suggested_colleague_email = forms.EmailField(
        label="Their work email address (optional)",
        required=False,
        error_messages={"invalid": "Enter your colleague's email address in the right form, like name@example.org."},
    )

    def __init__(self, *args, agency_contact=None, hybrid=False, **kwargs):
        super().__init__(*args, **kwargs)
        if hybrid:
            self.fields["joining"] = forms.ChoiceField(
                label="Will you join in the room or online?",
                choices=Invitation.Joining.choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Select whether you will join in the room or online"},
            )
            # In the order the page asks, so that the error summary lists the errors in that order.
            self.order_fields(["attending", *IF_ATTENDING])
        if agency_contact is not None:
            # Only one person is emailed: the question names them.
            self.fields["tell_agency"].label = (
                f"Would you like us to tell {agency_contact.described}{',' if agency_contact.name else ''} "
                "that you are taking part?"
            )

    def clean(self):
        cleaned = super().clean()
        attending = cleaned.get("attending")
        if attending is None:
            return cleaned
        # A question that goes with the other answer is hidden on the page: its answer is neither
        # checked nor kept (the service stores nothing for it).
        for name in IF_NOT_ATTENDING if attending else IF_ATTENDING:
            if name in self.fields:
                self.errors.pop(name, None)
                cleaned.pop(name, None)
        if attending and "joining" in self.fields and not cleaned.get("joining") and "joining" not in self.errors:
            self.add_error("joining", "Select whether you will join in the room or online")
        return cleaned


class NewLinkForm(Form):
    email = forms.EmailField(
        label="Your work email address",
        help_text="The address your invitation was sent to.",
        error_messages={
            "required": "Enter the email address your invitation was sent to.",
            "invalid": "Enter an email address in the right form, like name@example.org.",
        },
    )
