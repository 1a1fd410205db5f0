from django import forms

from core.forms import Form


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

    def __init__(self, *args, agency_contact=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agency_contact is not None:
            # Only one person is emailed: the question names them.
            self.fields["tell_agency"].label = (
                f"Would you like us to tell {agency_contact.described}{',' if agency_contact.name else ''} "
                "that you are taking part?"
            )


class NewLinkForm(Form):
    email = forms.EmailField(
        label="Your work email address",
        help_text="The address your invitation was sent to.",
        error_messages={
            "required": "Enter the email address your invitation was sent to.",
            "invalid": "Enter an email address in the right form, like name@example.org.",
        },
    )
