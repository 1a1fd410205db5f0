"""The emails about the action plan, described for the list of every kind of email, with samples."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, AgencyLink, Recommendation
from notifications import kinds
from practitioners import samples as people
from reviews import samples

GROUP = "The action plan"


def _action_link(partnership):
    review, agency = samples.review(partnership), people.agency(partnership)
    agency_link = AgencyLink(
        review=review,
        agency=agency,
        name=agency.lead_name,
        email=agency.lead_email,
        token_expires_at=timezone.now() + timedelta(days=365),
    )
    context = {
        "partnership": partnership,
        "review": review,
        "agency": agency,
        "agency_link": agency_link,
        "link": settings.SITE_URL + reverse("action_owner:start", args=[samples.SAMPLE_LINK_SECRET]),
        "resent": False,
    }
    return kinds.rendered("actions/emails/action_link", context, recipient=agency_link.email)


def _action_overdue(partnership):
    review, agency = samples.review(partnership), people.agency(partnership)
    recommendation = Recommendation(review=review, number=2, text="Agencies share concerns at the first sign.")
    action = Action(
        recommendation=recommendation,
        description="Train front-line staff on making referrals.",
        agency=agency,
        lead_name=agency.lead_name,
        due_date=timezone.localdate() - timedelta(days=14),
    )
    context = {
        "partnership": partnership,
        "review": review,
        "action": action,
        "recommendation": recommendation,
        "agency": agency,
        "name": agency.lead_name,
        "weeks": 2,
    }
    return kinds.rendered("actions/emails/action_overdue", context, recipient=agency.lead_email)


def register():
    kinds.register_about("actions.agencylink", review="review")
    kinds.register_about("actions.action", review="recommendation__review")
    kinds.register(
        "action_link",
        label="A link to report on actions",
        recipient="Each agency's action owner",
        when="The business manager sends an agency its link",
        templates=["actions/emails/action_link"],
        sample=_action_link,
        group=GROUP,
    )
    kinds.register(
        "action_overdue",
        label="An action is overdue",
        recipient="The action's owner",
        when="Each week an action is past its due date",
        templates=["actions/emails/action_overdue"],
        sample=_action_overdue,
        group=GROUP,
    )
