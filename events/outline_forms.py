"""What the event is, as invitees are told it: the agenda, the facilitator and the learning themes they may see."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms

from core.forms import Form

THEME_ERRORS = {
    "invalid_choice": "Choose learning themes from the list",
    "invalid_pk_value": "Choose learning themes from the list",
}


class EventOutlineForm(Form):
    agenda = forms.CharField(
        label="Agenda (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="A few lines, one a line, such as “10am Welcome and introductions”.",
        error_messages={"max_length": "The agenda must be 2,000 characters or fewer"},
    )
    facilitator = forms.CharField(
        label="Facilitator (optional)",
        required=False,
        max_length=150,
        help_text="The person who helps the reviewer run the event, such as the partnership's business manager.",
        error_messages={"max_length": "The facilitator's name must be 150 characters or fewer"},
    )
    learning_themes = forms.ModelMultipleChoiceField(
        label="Learning themes to explore (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=THEME_ERRORS,
    )
    shared_themes = forms.ModelMultipleChoiceField(
        label="Learning themes invitees may see (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only themes the event explores. Invitees see these in their invitation, on their page and in "
        "the factsheet; they never see the others.",
        error_messages=THEME_ERRORS,
    )

    def __init__(self, *args, event, **kwargs):
        if "initial" not in kwargs:
            links = list(event.theme_links.all())
            kwargs["initial"] = {
                "agenda": event.agenda,
                "facilitator": event.facilitator,
                "learning_themes": [link.theme_id for link in links],
                "shared_themes": [link.theme_id for link in links if link.shareable],
            }
        super().__init__(*args, **kwargs)
        themes = event.review.learning_themes.all()
        self.has_themes = themes.exists()
        if self.has_themes:
            self.fields["learning_themes"].queryset = themes
            self.fields["shared_themes"].queryset = themes
        else:
            del self.fields["learning_themes"]
            del self.fields["shared_themes"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("agenda", rows=6),
            Field.text("facilitator", field_width=Fluid.TWO_THIRDS),
            *(
                [
                    Field.checkboxes("learning_themes", legend_size=Size.SMALL),
                    Field.checkboxes("shared_themes", legend_size=Size.SMALL),
                ]
                if self.has_themes
                else []
            ),
            Button("submit", "Save"),
        )

    def clean(self):
        cleaned = super().clean()
        explored = cleaned.get("learning_themes")
        shared = cleaned.get("shared_themes")
        missing = [theme for theme in shared or [] if explored is not None and theme not in explored]
        if missing:
            self.add_error(
                "shared_themes",
                f"Tick “{missing[0].title}” under learning themes to explore as well, or do not share it",
            )
        return cleaned

    def values(self):
        data = self.cleaned_data
        return {
            "agenda": data["agenda"],
            "facilitator": data["facilitator"],
            "themes": list(data.get("learning_themes") or []),
            "shared_themes": list(data.get("shared_themes") or []),
        }
