"""Forms for events and invitee lists, and the way dates and times are read and written here."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.formatting import LONDON, london_datetime
from core.forms import Form, GovukDateField, TimeOfDayField
from events import services
from events.models import Event
from practitioners.models import Agency, Practitioner

# Events ---------------------------------------------------------------------------------------


class EventForm(Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="Invitees see this in emails and calendars. Use the review's pseudonym, never a real name.",
        error_messages={"required": "Enter a title for the event"},
    )
    date = GovukDateField(name="the date of the event", label="Date", help_text="For example, 8 12 2026")
    start_time = TimeOfDayField(name="start time", label="Start time", help_text="For example, 10am or 9:30am")
    end_time = TimeOfDayField(name="end time", label="End time", help_text="For example, 1pm or 13:00")
    format = forms.ChoiceField(
        label="How will people attend?",
        choices=Event.Format.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how people will attend", "invalid_choice": "Choose how people will attend"},
    )
    venue_name = forms.CharField(label="Name of the venue", max_length=200, required=False)
    venue_address = forms.CharField(label="Address of the venue", required=False, widget=forms.Textarea)
    access_information = forms.CharField(
        label="Access information",
        required=False,
        widget=forms.Textarea,
        help_text="For example, step-free access, parking, the nearest station and whether there is a hearing loop.",
    )
    joining_link = forms.CharField(
        label="Joining link",
        required=False,
        help_text="The web address of the online meeting, starting https://. Only people who accept the "
        "invitation will see it, and it goes into their calendar entry.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    joining_details = forms.CharField(
        label="Other joining details (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="Any meeting ID, passcode or telephone number. Only people who accept the invitation will see these.",
    )
    chair = forms.ModelChoiceField(
        label="Chair (optional)",
        queryset=None,
        required=False,
        empty_label="Not chosen yet",
        help_text="An independent reviewer assigned to this review.",
        error_messages={"invalid_choice": "Choose a chair from the list"},
    )
    facilitator = forms.CharField(label="Facilitator (optional)", max_length=150, required=False)
    capacity = forms.IntegerField(
        label="Number of places",
        min_value=1,
        max_value=1000,
        help_text="The most people who can attend. At a hybrid event, the places in the room: anyone may join online.",
        # GOV.UK asks for a text input for numbers: browsers' number inputs are hard to use.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the number of places",
            "invalid": "The number of places must be a whole number, like 30",
            "min_value": "The number of places must be 1 or more",
            "max_value": "The number of places must be 1,000 or fewer",
        },
    )
    rsvp_deadline = GovukDateField(
        name="the reply-by date",
        label="Reply by",
        help_text="The last day invitees can say whether they will come. For example, 24 11 2026",
    )
    learning_themes = forms.ModelMultipleChoiceField(
        label="Learning themes to explore (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose learning themes from the list",
            "invalid_pk_value": "Choose learning themes from the list",
        },
    )
    agenda = forms.CharField(label="Agenda (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args, review, event=None, submit_label, **kwargs):
        self.review = review
        self.event = event
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(event)
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = review.reviewers.order_by("full_name", "email")
        themes = review.learning_themes.all()
        self.fields["learning_themes"].queryset = themes
        has_themes = themes.exists()
        if not has_themes:
            del self.fields["learning_themes"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title", field_width=Fluid.FULL),
            Field("date", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.text("start_time", field_width=Fixed.FIVE),
            Field.text("end_time", field_width=Fixed.FIVE),
            Field.radios("format", legend_size=Size.SMALL),
            Fieldset(
                HTML('<p class="govuk-hint">Needed for in-person and hybrid events.</p>'),
                Field.text("venue_name", field_width=Fluid.TWO_THIRDS),
                Field.textarea("venue_address", rows=4),
                Field.textarea("access_information", rows=4),
                legend="Venue",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                HTML('<p class="govuk-hint">Needed for online and hybrid events.</p>'),
                Field.text("joining_link", field_width=Fluid.FULL),
                Field.textarea("joining_details", rows=4),
                legend="Joining online",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.select("chair"),
                Field.text("facilitator", field_width=Fluid.TWO_THIRDS),
                Field.text("capacity", field_width=Fixed.FIVE),
                Field("rsvp_deadline", context={"legend_size": Size.for_legend(Size.SMALL)}),
                *([Field.checkboxes("learning_themes", legend_size=Size.SMALL)] if has_themes else []),
                Field.textarea("agenda", rows=8),
                legend="Running the event",
                legend_size=Size.MEDIUM,
            ),
            Button("submit", submit_label),
        )

    @staticmethod
    def initial_for(event):
        start, end = timezone.localtime(event.starts_at, LONDON), timezone.localtime(event.ends_at, LONDON)
        return {
            "title": event.title,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "format": event.format,
            "venue_name": event.venue_name,
            "venue_address": event.venue_address,
            "access_information": event.access_information,
            "joining_link": event.joining_link,
            "joining_details": event.joining_details,
            "chair": event.chair_id,
            "facilitator": event.facilitator,
            "capacity": event.capacity,
            "rsvp_deadline": event.rsvp_deadline,
            "learning_themes": [theme.pk for theme in event.learning_themes.all()],
            "agenda": event.agenda,
        }

    def clean_joining_link(self):
        try:
            return services.check_joining_link(self.cleaned_data["joining_link"])
        except services.EventError as error:
            raise ValidationError(str(error)) from None

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        try:
            services.check_title(self.review, title)
        except services.EventError as error:
            raise ValidationError(str(error)) from None
        return title

    def clean(self):
        cleaned = super().clean()
        now = timezone.localtime(timezone.now(), LONDON)
        day, start, end = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        starts_at = ends_at = None
        if day and start:
            starts_at = london_datetime(day, start)
            if starts_at is None:
                self.add_error("start_time", "The clocks go forward at that time on that day. Enter a different time")
        if day and end:
            ends_at = london_datetime(day, end)
            if ends_at is None:
                self.add_error("end_time", "The clocks go forward at that time on that day. Enter a different time")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("end_time", "The end time must be after the start time")
            ends_at = None
        # An event that has already happened can still have its agenda corrected; only a new or
        # changed start has to be in the future.
        moved = self.event is None or starts_at != self.event.starts_at
        if starts_at and moved and starts_at <= now:
            if day < now.date():
                self.add_error("date", "The date of the event must be in the future")
            else:
                self.add_error("start_time", "The start time must be in the future")
        cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at

        deadline = cleaned.get("rsvp_deadline")
        if deadline and day and deadline > day:
            self.add_error("rsvp_deadline", "The reply-by date must be on or before the date of the event")
        elif deadline and deadline < now.date() and (self.event is None or deadline != self.event.rsvp_deadline):
            self.add_error("rsvp_deadline", "The reply-by date must be today or in the future")

        kind = cleaned.get("format")
        if kind in (Event.Format.IN_PERSON, Event.Format.HYBRID):
            for name, message in (
                ("venue_name", "Enter the name of the venue"),
                ("venue_address", "Enter the address of the venue"),
                ("access_information", "Enter access information for the venue, such as step-free access"),
            ):
                if not cleaned.get(name, "").strip():
                    self.add_error(name, message)
        online = kind in (Event.Format.ONLINE, Event.Format.HYBRID)
        if online and "joining_link" in cleaned and not cleaned["joining_link"]:
            self.add_error("joining_link", "Enter the joining link for the online meeting, starting https://")

        capacity = cleaned.get("capacity")
        changed = self.event is not None and capacity and capacity != self.event.capacity
        if changed and (message := services.capacity_too_small(self.event, capacity)):
            self.add_error("capacity", message)
        return cleaned

    def details(self):
        """The Event field values to save."""
        data = self.cleaned_data
        kind = data["format"]
        in_person = kind in (Event.Format.IN_PERSON, Event.Format.HYBRID)
        online = kind in (Event.Format.ONLINE, Event.Format.HYBRID)
        return {
            "title": data["title"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "format": kind,
            # Details for a way of attending that no longer applies would mislead invitees.
            "venue_name": data["venue_name"].strip() if in_person else "",
            "venue_address": data["venue_address"].strip() if in_person else "",
            "access_information": data["access_information"].strip() if in_person else "",
            "joining_link": data["joining_link"] if online else "",
            "joining_details": data["joining_details"].strip() if online else "",
            "chair": data["chair"],
            "facilitator": data["facilitator"].strip(),
            "capacity": data["capacity"],
            "rsvp_deadline": data["rsvp_deadline"],
            "agenda": data["agenda"].strip(),
        }

    def themes(self):
        return list(self.cleaned_data.get("learning_themes") or [])


class CancelEventForm(Form):
    reason = forms.CharField(
        label="Why is the event being cancelled?",
        max_length=2000,
        widget=forms.Textarea,
        help_text="Invitees who have been sent an invitation will see this.",
        error_messages={
            "required": "Enter the reason for cancelling the event",
            "max_length": "The reason for cancelling the event must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("reason", label_size=Size.MEDIUM, rows=5),
            Button.warning("submit", "Cancel the event"),
        )


# Invitees -------------------------------------------------------------------------------------


class DirectorySearchForm(Form):
    """The picker's search: its fields sit in the picker's one form, whose buttons keep the ticks."""

    q = forms.CharField(label="Search by name, job title, email or agency", max_length=100, required=False)
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=None,
        required=False,
        empty_label="All agencies",
        error_messages={"invalid_choice": "Choose an agency from the list"},
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.for_partnership(partnership)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("q", field_width=Fluid.TWO_THIRDS), Field.select("agency"))

    def filter(self, practitioners):
        """The practitioners that match; an unreadable filter (a stale agency) is ignored."""
        if not self.is_valid():
            return practitioners
        if self.cleaned_data["agency"] is not None:
            practitioners = practitioners.filter(agency=self.cleaned_data["agency"])
        return practitioners.search(self.cleaned_data["q"].strip())


class PickInviteesForm(Form):
    practitioners = forms.ModelMultipleChoiceField(
        queryset=None,
        # Ticked by hand in templates/events/invitee_add.html; the error summary links to the first box.
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one person in the directory to invite",
            "invalid_choice": "Choose people from the list",
            "invalid_pk_value": "Choose people from the list",
        },
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practitioners"].queryset = Practitioner.objects.for_partnership(partnership)


class NewPersonForm(Form):
    full_name = forms.CharField(label="Full name", max_length=150, error_messages={"required": "Enter their full name"})
    job_title = forms.CharField(label="Job title", max_length=150, error_messages={"required": "Enter their job title"})
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=None,
        empty_label="Choose an agency",
        error_messages={"required": "Choose their agency", "invalid_choice": "Choose their agency from the list"},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We send the invitation here. Use their work email address.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    phone = forms.CharField(label="Telephone number (optional)", max_length=40, required=False)
    line_manager_name = forms.CharField(label="Line manager's name (optional)", max_length=150, required=False)
    line_manager_email = forms.EmailField(
        label="Line manager's email address (optional)",
        max_length=254,
        required=False,
        error_messages={
            "invalid": "Enter the line manager's email address in the correct format, like name@example.org"
        },
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.for_partnership(partnership)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS, autocomplete="off", spellcheck="false"),
            Field.text("job_title", field_width=Fluid.TWO_THIRDS),
            Field.select("agency"),
            Field.text("email", field_width=Fluid.TWO_THIRDS, autocomplete="off", spellcheck="false"),
            Field.text("phone", field_width=Fixed.TWENTY, autocomplete="off"),
            Fieldset(
                Field.text("line_manager_name", field_width=Fluid.TWO_THIRDS, autocomplete="off"),
                Field.text("line_manager_email", field_width=Fluid.TWO_THIRDS, autocomplete="off", spellcheck="false"),
                legend="Their line manager",
                legend_size=Size.MEDIUM,
            ),
            Button("submit", "Add to the invitee list"),
        )

    def details(self):
        data = self.cleaned_data
        return {
            "full_name": " ".join(data["full_name"].split()),
            "job_title": data["job_title"].strip(),
            "agency": data["agency"],
            "email": data["email"],
            "phone": data["phone"].strip(),
            "line_manager_name": data["line_manager_name"].strip(),
            "line_manager_email": data["line_manager_email"],
        }
