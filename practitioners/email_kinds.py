"""The emails practitioners sends, described for the list of every kind of email, with samples."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from notifications import kinds
from practitioners import samples
from practitioners.models import NominationRequest
from reviews import samples as review_samples

GROUP = "Agencies"
TEMPLATE = "practitioners/emails/nomination_request"


def _nomination_request(partnership, *, chase):
    from practitioners.nominations import request_context

    review = review_samples.review(partnership)
    agency = samples.agency(partnership)
    request = NominationRequest(review=review, agency=agency, deadline=timezone.localdate() + timedelta(days=10))
    link = settings.SITE_URL + reverse("nomination:start", args=[review_samples.SAMPLE_LINK_SECRET])
    return kinds.rendered(TEMPLATE, request_context(request, link, chase=chase), recipient=agency.lead_email)


def register():
    kinds.register_about("practitioners.nominationrequest", review="review")
    kinds.register(
        "nomination_request",
        label="Request to name key staff",
        recipient="Each agency's safeguarding lead",
        when="The business manager asks agencies for the people who worked with the family",
        templates=[TEMPLATE],
        sample=lambda partnership: _nomination_request(partnership, chase=False),
        group=GROUP,
    )
    kinds.register(
        "nomination_chase",
        label="Reminder to name key staff",
        recipient="A safeguarding lead who has not finished naming staff",
        when="The business manager chases an agency",
        templates=[TEMPLATE],
        sample=lambda partnership: _nomination_request(partnership, chase=True),
        group=GROUP,
    )
