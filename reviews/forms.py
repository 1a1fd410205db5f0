from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fluid, Layout, Size
from django import forms

from events.forms import GovukDateField
from events.services import contains_real_name
from reviews.models import Membership, Partnership, Review, User

# The partnership's own targets for its statutory clocks (see reviews.clocks).
CLOCK_FIELDS = (
    "rapid_review_working_days",
    "cspr_completion_months",
    "sar_decision_working_days",
    "sar_completion_months",
)
OWN_TARGET = "This is your partnership's own target, not a time limit set in law."


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
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL),
            Button("submit", "Add and send the invitation"),
        )


class RoleForm(forms.Form):
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


class PartnershipDetailsForm(forms.ModelForm):
    website = forms.URLField(label="Website (optional)", required=False, assume_scheme="https")
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
            *CLOCK_FIELDS,
            "retention_days",
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
                legend="Reminders and links",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                *(Field.text(name, field_width=Fluid.ONE_QUARTER) for name in CLOCK_FIELDS),
                legend="Targets for reviews",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("retention_days", field_width=Fluid.ONE_QUARTER),
                legend="How long personal details are kept",
                legend_size=Size.MEDIUM,
            ),
            Button("submit", "Save details"),
        )

    def clean(self):
        cleaned = super().clean()
        for name in (*CLOCK_FIELDS, "retention_days"):
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = getattr(self.instance, name)
        return cleaned

    def clean_event_reminder_days(self):
        return _clean_day_list(self.cleaned_data["event_reminder_days"])


def _date_field(label, name, required=True):
    return GovukDateField(name=name, label=label, required=required, help_text="For example, 27 3 2024")


class ReviewForm(forms.Form):
    review_type = forms.ChoiceField(label="Type of review", choices=Review.Type.choices, widget=forms.RadioSelect)
    reference = forms.CharField(
        label="Reference", max_length=40, help_text="The partnership's own reference, such as CSPR 2026-03."
    )
    pseudonym = forms.CharField(
        label="Pseudonym",
        max_length=60,
        help_text="How every page, email and document names the person, such as Child A or Adult B.",
    )
    subject_name = forms.CharField(
        label="Real name of the child or adult (optional)",
        max_length=200,
        required=False,
        help_text="Kept encrypted. Only business managers can see it, on request. We use it to check "
        "that titles and drafts do not name the person.",
    )
    scope_start = _date_field("Scope period starts", "the date the scope period starts")
    scope_end = _date_field("Scope period ends", "the date the scope period ends")
    reviewers = forms.ModelMultipleChoiceField(
        label="Independent reviewers",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Add reviewers to the partnership's staff first if they are not listed.",
    )
    learning_themes = forms.CharField(
        label="Learning themes (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="One theme on each line.",
    )
    incident_notified_on = _date_field(
        "Serious incident notified (optional)", "the date the serious incident was notified", required=False
    )
    commissioned_on = _date_field(
        "Review commissioned (optional)", "the date the review was commissioned", required=False
    )
    target_completion_on = _date_field("Target completion (optional)", "the target completion date", required=False)

    def __init__(self, *args, partnership, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.review = review
        self.fields["reviewers"].queryset = User.objects.filter(
            memberships__partnership=partnership, memberships__role=Membership.Role.REVIEWER
        )
        if not self.fields["reviewers"].queryset.exists():
            self.fields[
                "reviewers"
            ].help_text = "No independent reviewers yet. Add them on the staff page, then assign them here."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("review_type", legend_size=Size.SMALL),
            Field.text("reference", field_width=Fluid.ONE_THIRD),
            Field.text("pseudonym", field_width=Fluid.ONE_THIRD),
            Field.text("subject_name", field_width=Fluid.TWO_THIRDS),
            Field("scope_start"),
            Field("scope_end"),
            Field.checkboxes("reviewers", legend_size=Size.SMALL),
            Field.textarea("learning_themes", rows=5),
            Fieldset(
                Field("incident_notified_on"),
                Field("commissioned_on"),
                Field("target_completion_on"),
                legend="Key dates",
                legend_size=Size.MEDIUM,
            ),
            Button("submit", "Save review"),
        )

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        clash = Review.objects.for_partnership(self.partnership).filter(reference__iexact=reference)
        if self.review is not None:
            clash = clash.exclude(pk=self.review.pk)
        if clash.exists():
            raise forms.ValidationError("Another review of this partnership already has this reference.")
        return reference

    def clean(self):
        cleaned = super().clean()
        real_name = cleaned.get("subject_name") or (self.review.subject_name if self.review else "")
        if real_name:
            # Everything but the real name itself appears in emails and calendars: none may name the person.
            for field in ("reference", "pseudonym", "learning_themes"):
                if cleaned.get(field) and contains_real_name(cleaned[field], real_name):
                    self.add_error(field, "This must not contain the real name of the child or adult.")
        start, end = cleaned.get("scope_start"), cleaned.get("scope_end")
        if start and end and end < start:
            self.add_error("scope_end", "The scope period must end on or after the day it starts.")
        return cleaned

    def clean_learning_themes(self):
        titles = []
        for line in self.cleaned_data["learning_themes"].splitlines():
            title = " ".join(line.split())
            if not title or title.lower() in (t.lower() for t in titles):
                continue
            if len(title) > 200:
                raise forms.ValidationError("Each learning theme must be 200 characters or fewer.")
            titles.append(title)
        if len(titles) > 30:
            raise forms.ValidationError("Enter 30 learning themes or fewer.")
        return "\n".join(titles)

    def theme_titles(self):
        return [line for line in self.cleaned_data["learning_themes"].splitlines() if line]


class StatusForm(forms.Form):
    # The stage the person saw as next: a stale page or a double click cannot move two stages.
    to_status = forms.ChoiceField(choices=Review.Status.choices, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="The review has reached this stage",
        error_messages={"required": "Tick the box to confirm the review has reached the next stage."},
    )


def _clean_day_list(value):
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not all(part.isdigit() and 0 < int(part) <= 60 for part in parts):
        raise forms.ValidationError("Enter whole numbers of days from 1 to 60, separated by commas, such as 7, 1.")
    return ", ".join(str(n) for n in sorted({int(part) for part in parts}, reverse=True))
