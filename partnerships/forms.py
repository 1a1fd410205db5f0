"""Forms for a partnership's details and its staff."""

import re
from urllib.parse import urlparse

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.urls import reverse

from core.forms import Form, ModelForm
from core.models import Membership, Partnership
from partnerships.models import SingleSignOnProvider

# The partnership's own targets for its statutory clocks (see reviews.clocks).
CLOCK_FIELDS = (
    "rapid_review_working_days",
    "cspr_completion_months",
    "sar_decision_working_days",
    "sar_completion_months",
    "publication_notice_working_days",
)
OWN_TARGET = "This is your partnership's own target, not a time limit set in law."


class StaffMemberForm(Form):
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
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL),
            Button("submit", "Add and send the invitation"),
        )


class RoleForm(Form):
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.radios("role", legend_size=Size.SMALL), Button("submit", "Save role"))


class KeptIfBlankNumberField(forms.IntegerField):
    """A whole number that keeps its current value when a post leaves it blank or out."""

    def __init__(self, *, minimum, maximum, unit, **kwargs):
        super().__init__(
            widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
            min_value=minimum,
            max_value=maximum,
            required=False,
            error_messages={
                "invalid": f"Enter a whole number of {unit}",
                "min_value": f"Enter {minimum} {unit} or more",
                "max_value": f"Enter {maximum} {unit} or fewer",
            },
            **kwargs,
        )

    def has_changed(self, initial, data):
        return data not in (None, "") and super().has_changed(initial, data)


class PartnershipDetailsForm(ModelForm):
    error_names = {
        "rsvp_reminder_working_days": "the number of working days before the reply-by date",
        "nomination_reminder_working_days": "the number of working days before the names are needed",
        "link_follow_up_days": "the number of days links keep working after the event",
    }
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        assume_scheme="https",
        # A text input: a web address typed wrongly is shown again as typed, which type="url" does not allow.
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false", "autocomplete": "url"}),
    )
    rapid_review_working_days = KeptIfBlankNumberField(
        label="CSPR: rapid review finished, this many working days after the serious incident was notified",
        help_text=f"{OWN_TARGET} Weekends and bank holidays in England do not count.",
        minimum=1,
        maximum=250,
        unit="working days",
    )
    cspr_completion_months = KeptIfBlankNumberField(
        label="CSPR: review completed and published, this many months after it was commissioned",
        help_text=OWN_TARGET,
        minimum=1,
        maximum=60,
        unit="months",
    )
    sar_decision_working_days = KeptIfBlankNumberField(
        label="SAR: decision on the referral, this many working days after it was received",
        help_text=f"{OWN_TARGET} Weekends and bank holidays in England do not count.",
        minimum=1,
        maximum=250,
        unit="working days",
    )
    sar_completion_months = KeptIfBlankNumberField(
        label="SAR: review completed, this many months after it was commissioned",
        help_text=OWN_TARGET,
        minimum=1,
        maximum=60,
        unit="months",
    )
    publication_notice_working_days = KeptIfBlankNumberField(
        label="Send the final report to the national panel and others this many working days before publishing it",
        help_text="Publishing earlier is refused. Weekends and bank holidays in England do not count.",
        minimum=1,
        maximum=60,
        unit="working days",
    )
    final_report_recipients = forms.CharField(
        label="Who else receives the final report before it is published (optional)",
        help_text="Besides the national panel. For example, the director of children's services and Ofsted.",
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"max_length": "Who else receives the final report must be 1000 characters or fewer"},
    )
    access_needs_close_working_days = KeptIfBlankNumberField(
        label="Requests for adjustments close this many working days before the event",
        help_text="Practitioners are told the date on the reply form; after it, they are asked to contact you "
        "instead. 0 keeps requests open until the event. Weekends and bank holidays in England do not count.",
        minimum=0,
        maximum=60,
        unit="working days",
    )
    retention_days = KeptIfBlankNumberField(
        label="Keep practitioners' details, links, confidential files and comments for this many days after a "
        "review closes",
        help_text="From 30 days to 7305 days (20 years). After this, names and email addresses are replaced, links "
        "stop working, and summaries, drafts, evidence and comments are deleted. The signed-off report and its "
        "publication are kept.",
        minimum=30,
        maximum=7305,
        unit="days",
    )

    class Meta:
        model = Partnership
        fields = [
            "contact_name",
            "contact_email",
            "contact_phone",
            "website",
            "address",
            "support_text",
            "rsvp_reminder_working_days",
            "event_reminder_days",
            "nomination_reminder_working_days",
            "link_follow_up_days",
            "access_needs_close_working_days",
            *CLOCK_FIELDS,
            "retention_days",
            "final_report_recipients",
        ]
        labels = {
            "contact_name": "Business manager's name",
            "contact_email": "Email address for practitioners' questions",
            "contact_phone": "Telephone number",
            "website": "Website (optional)",
            "address": "Postal address (optional)",
            "support_text": "Support and debrief (optional)",
            "rsvp_reminder_working_days": "Remind people who have not replied, this many working days before "
            "the reply-by date",
            "event_reminder_days": "Remind people attending, this many days before the event",
            "nomination_reminder_working_days": "Remind agencies that have not named anyone, this many working "
            "days before the date",
            "link_follow_up_days": "Practitioners' links keep working for this many days after the event",
        }
        # GOV.UK asks for a text input for numbers: browsers' number inputs are hard to use.
        widgets = {
            name: forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})
            for name in ("rsvp_reminder_working_days", "nomination_reminder_working_days", "link_follow_up_days")
        }
        help_texts = {
            "rsvp_reminder_working_days": "0 sends no reminder. Weekends and bank holidays in England do not count.",
            "event_reminder_days": "Separate the numbers with commas, such as 7, 1.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                Field.text("contact_name", field_width=Fluid.TWO_THIRDS),
                Field.text("contact_email", field_width=Fluid.TWO_THIRDS),
                Field.text("contact_phone", field_width=Fluid.ONE_THIRD),
                Field.text("website", field_width=Fluid.TWO_THIRDS),
                legend="Who practitioners contact",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("address", rows=4),
            Field.textarea("support_text", rows=5),
            Fieldset(
                Field.text("rsvp_reminder_working_days", field_width=Fluid.ONE_QUARTER),
                Field.text("event_reminder_days", field_width=Fluid.ONE_QUARTER),
                Field.text("nomination_reminder_working_days", field_width=Fluid.ONE_QUARTER),
                Field.text("link_follow_up_days", field_width=Fluid.ONE_QUARTER),
                Field.text("access_needs_close_working_days", field_width=Fluid.ONE_QUARTER),
                legend="Reminders and links",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                *(Field.text(name, field_width=Fluid.ONE_QUARTER) for name in CLOCK_FIELDS),
                legend="Targets for reviews",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("final_report_recipients", rows=3),
            Fieldset(
                Field.text("retention_days", field_width=Fluid.ONE_QUARTER),
                legend="How long personal details are kept",
                legend_size=Size.MEDIUM,
            ),
            Button("submit", "Save details"),
        )

    def clean(self):
        cleaned = super().clean()
        for name in (*CLOCK_FIELDS, "retention_days", "access_needs_close_working_days"):
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = getattr(self.instance, name)
        return cleaned

    def clean_event_reminder_days(self):
        return _clean_day_list(self.cleaned_data["event_reminder_days"])


def _clean_day_list(value):
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not all(part.isdigit() and 0 < int(part) <= 60 for part in parts):
        raise forms.ValidationError("Enter whole numbers of days from 1 to 60, separated by commas, such as 7, 1.")
    return ", ".join(str(n) for n in sorted({int(part) for part in parts}, reverse=True))


DOMAIN_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class SingleSignOnProviderForm(ModelForm):
    """One OpenID provider: the secret is kept when left blank on a change, and never shown back."""

    name = forms.CharField(
        label="Display name",
        max_length=100,
        help_text='Staff see this on the sign-in page, for example "Northvale Council account".',
        error_messages={"required": "Enter a display name, such as the organisation's name"},
    )
    issuer_url = forms.URLField(
        label="Issuer URL",
        max_length=300,
        assume_scheme="https",
        # A text box, so that what was typed comes back as typed when it is not a web address.
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
        help_text="For Microsoft Entra ID: https://login.microsoftonline.com/(your tenant ID)/v2.0",
        error_messages={
            "required": "Enter the issuer URL the provider gives you",
            "invalid": "Enter the issuer URL as a full web address starting with https://",
        },
    )
    client_id = forms.CharField(
        label="Client ID",
        max_length=255,
        help_text="For Microsoft Entra ID: the application (client) ID.",
        error_messages={"required": "Enter the client ID the provider gave Convene"},
    )
    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="Kept encrypted. It is never shown again.",
    )
    email_domains = forms.CharField(
        label="Email domains that must use this provider",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=(
            "One a line, for example northvale.gov.uk. Staff with these addresses cannot sign in with a password."
        ),
        error_messages={"required": "Enter at least one email domain, such as northvale.gov.uk"},
    )
    enforces_mfa = forms.BooleanField(
        label="The provider always asks for a second factor (for example, a conditional access policy requires it)",
        required=False,
        help_text=(
            "If not, Convene asks for its own authenticator code unless the provider says a second factor was used."
        ),
    )

    class Meta:
        model = SingleSignOnProvider
        fields = ["name", "issuer_url", "client_id", "client_secret", "email_domains", "enforces_mfa"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["email_domains"].initial = "\n".join(self.instance.domain_list())
            self.fields["client_secret"].help_text = "Leave blank to keep the secret you gave before. " + (
                "Kept encrypted. It is never shown again."
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("issuer_url"),
            Field.text("client_id", field_width=Fluid.TWO_THIRDS),
            Field.text("client_secret", field_width=Fluid.TWO_THIRDS),
            Field.textarea("email_domains"),
            Field.checkbox("enforces_mfa", small=True),
            Button("submit", "Save provider"),
        )

    def clean_issuer_url(self):
        url = self.cleaned_data["issuer_url"].rstrip("/")
        # Plain http only for a provider on this machine's loopback (a test or development provider).
        host = urlparse(url).hostname or ""
        if not url.startswith("https://") and host not in {"127.0.0.1", "localhost", "::1"}:
            raise forms.ValidationError("Enter an issuer URL that starts with https://")
        return url

    def clean_client_secret(self):
        secret = self.cleaned_data["client_secret"].strip()
        if not secret:
            if self.instance.pk is None:
                raise forms.ValidationError("Enter the client secret the provider gave Convene")
            return self.instance.client_secret
        return secret

    def clean_email_domains(self):
        domains = []
        for line in re.split(r"[\s,;]+", self.cleaned_data["email_domains"].lower()):
            domain = line.strip().lstrip("@")
            if not domain:
                continue
            if not DOMAIN_PATTERN.match(domain):
                raise forms.ValidationError(f"Enter each email domain like northvale.gov.uk: {domain[:60]} is not one")
            domains.append(domain)
        if not domains:
            raise forms.ValidationError("Enter at least one email domain, such as northvale.gov.uk")
        return domains


class StartSingleSignOnForm(Form):
    email = forms.EmailField(
        label="Work email address",
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter your work email address in the correct format, like name@example.gov.uk",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = reverse("account:sso_start")
        self.helper.layout = Layout(
            Field.text("email", field_width=Fluid.TWO_THIRDS, autocomplete="email"),
            Button("submit", "Continue"),
        )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        self.provider = SingleSignOnProvider.objects.for_email(email)
        if self.provider is None:
            raise forms.ValidationError(
                "Enter a work email address whose organisation signs in to Convene with its own account, "
                "or sign in with your password"
            )
        return email
