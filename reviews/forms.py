from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.utils import timezone

from core.forms import Form, GovukDateField
from core.models import Membership, User
from reviews.models import Review
from reviews.names import contains_real_name
from reviews.services import TIMELINE_FIELDS
from reviews.timeline import MAX_REASON_LENGTH, date_names, timeline_problems


def _date_field(label, name, required=True):
    return GovukDateField(name=name, label=label, required=required, help_text="For example, 27 3 2024")


class ReviewForm(Form):
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
            for field, name in (
                ("reference", "The reference"),
                ("pseudonym", "The pseudonym"),
                ("learning_themes", "The learning themes"),
            ):
                if cleaned.get(field) and contains_real_name(cleaned[field], real_name):
                    self.add_error(field, f"{name} must not contain the real name of the child or adult.")
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


class StatusForm(Form):
    # The stage the person saw as next: a stale page or a double click cannot move two stages.
    to_status = forms.ChoiceField(
        choices=Review.Status.choices,
        widget=forms.HiddenInput,
        error_messages={
            "required": "The page was out of date. Tick the box again to move the review to its next stage",
            "invalid_choice": "The page was out of date. Tick the box again to move the review to its next stage",
        },
    )
    confirm = forms.BooleanField(
        label="The review has reached this stage",
        error_messages={"required": "Tick the box to confirm the review has reached the next stage."},
    )


class TimelineForm(Form):
    """The review's start, its practitioner event and the final report's sending: every field optional."""

    became_aware_on = _date_field("Local authority became aware of the serious incident", "the date", required=False)
    incident_notified_on = _date_field("National panel notified of the serious incident", "the date", required=False)
    rapid_review_meeting_on = _date_field("Rapid review meeting", "the date", required=False)
    rapid_review_sent_on = _date_field("Rapid review sent to the national panel", "the date", required=False)
    rapid_review_outcome = forms.ChoiceField(
        label="Outcome of the rapid review",
        choices=Review.RapidReviewOutcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    referral_decision = forms.ChoiceField(
        label="Decision on the referral",
        choices=Review.ReferralDecision.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    referral_decided_on = _date_field("Date of the decision", "the date", required=False)
    decision_reason = forms.CharField(
        label="Why there is no local review (if so)",
        required=False,
        widget=forms.Textarea,
        max_length=MAX_REASON_LENGTH,
        error_messages={
            "max_length": f"The reason there is no local review must be {MAX_REASON_LENGTH:,} characters or fewer"
        },
    )
    event_recommended_by = forms.ChoiceField(
        label="Who recommended a practitioner event",
        choices=Review.EventRecommender.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    event_recommended_on = _date_field("Date it was recommended", "the date", required=False)
    final_report_sent_on = _date_field("Final report sent to the national panel", "the date", required=False)
    final_report_sent_to = forms.CharField(
        label="Who else it was sent to",
        required=False,
        widget=forms.Textarea,
        max_length=1000,
        error_messages={"max_length": "Who else it was sent to must be 1000 characters or fewer"},
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        sar = review.review_type == Review.Type.SAR
        fields = TIMELINE_FIELDS[review.review_type]
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        # Each date's messages name it ("Enter the date of the rapid review meeting" and so on).
        for name, words in date_names(review.review_type).items():
            if name in self.fields:
                self.fields[name] = GovukDateField(
                    name=words, label=self.fields[name].label, required=False, help_text="For example, 27 3 2026"
                )
        partnership = review.partnership
        recipients = partnership.final_report_recipients.strip()
        self.fields["final_report_sent_to"].help_text = (
            f"The partnership sends it to: {recipients}"
            if recipients
            else "For example, the local authority's "
            "director of children's services and the chief officers of the police and health."
        )
        notice = partnership.publication_notice_working_days
        publication = Fieldset(
            Field("final_report_sent_on"),
            Field.textarea("final_report_sent_to", rows=3),
            legend="The final report",
            legend_size=Size.MEDIUM,
        )
        if sar:
            self.fields["incident_notified_on"].label = "Referral received"
            self.fields["decision_reason"].label = "Why there is no safeguarding adult review (if so)"
            self.fields["final_report_sent_on"].label = "Final report sent to those the partnership names"
            start = Fieldset(
                Field("incident_notified_on"),
                Field.radios("referral_decision", legend_size=Size.SMALL),
                Field("referral_decided_on"),
                Field.textarea("decision_reason", rows=3),
                legend="The referral",
                legend_size=Size.MEDIUM,
            )
        else:
            start = Fieldset(
                Field("became_aware_on"),
                Field("incident_notified_on"),
                Field("rapid_review_meeting_on"),
                Field("rapid_review_sent_on"),
                Field.radios("rapid_review_outcome", legend_size=Size.SMALL),
                Field.textarea("decision_reason", rows=3),
                legend="The serious incident and the rapid review",
                legend_size=Size.MEDIUM,
            )
        self.fields["final_report_sent_on"].help_text = (
            f"The report can be published {notice} working day{'' if notice == 1 else 's'} after this date at the "
            "earliest. For example, 27 3 2026"
        )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            start,
            Fieldset(
                Field.radios("event_recommended_by", legend_size=Size.SMALL),
                Field("event_recommended_on"),
                legend="The practitioner event",
                legend_size=Size.MEDIUM,
            ),
            publication,
            Button("submit", "Save the timeline"),
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        problems = timeline_problems(cleaned, review_type=self.review.review_type, today=timezone.localdate())
        for field, message in problems:
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned
