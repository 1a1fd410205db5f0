"""The emails about agencies' written accounts, described for the list of every kind of email, with samples."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from notifications import kinds
from practitioners import samples as people
from reviews import samples
from submissions.models import AccountRequest, Extension

GROUP = "Agencies' written accounts"


def _account_request(partnership):
    review = samples.review(partnership)
    review.pk = 0  # only for the addresses the sample shows
    return AccountRequest(
        review=review,
        agency=people.agency(partnership),
        kind=AccountRequest.Kind.CHRONOLOGY,
        working_days=15,
        deadline=timezone.localdate() + timedelta(days=21),
    )


def _request(reminder=""):
    def sample(partnership):
        account_request = _account_request(partnership)
        link = settings.SITE_URL + reverse("account_link:start", args=[samples.SAMPLE_LINK_SECRET])
        context = {
            "partnership": partnership,
            "review": account_request.review,
            "agency": account_request.agency,
            "account_request": account_request,
            "link": link,
            "reminder": reminder,
        }
        return kinds.rendered(
            "submissions/emails/account_request", context, recipient=account_request.agency.lead_email
        )

    return sample


def _extension(template, decision):
    def sample(partnership):
        account_request = _account_request(partnership)
        extension = Extension(
            request=account_request,
            new_deadline=account_request.deadline + timedelta(days=10),
            reason="Our records for the period are archived off site.",
            decision=decision,
        )
        context = {
            "partnership": partnership,
            "review": account_request.review,
            "agency": account_request.agency,
            "account_request": account_request,
            "extension": extension,
            "link": settings.SITE_URL + reverse("accounts:extension", args=[partnership.slug, 0, 0]),
        }
        recipient = partnership.contact_email if template.endswith("asked") else account_request.agency.lead_email
        return kinds.rendered(template, context, recipient=recipient)

    return sample


def register():
    kinds.register_about("submissions.accountrequest", review="review")
    common = {"templates": ["submissions/emails/account_request"], "group": GROUP}
    lead = "The agency's safeguarding lead"
    kinds.register(
        "account_request",
        label="Request for a written account",
        recipient=lead,
        when="The business manager asks agencies for chronologies or reports",
        sample=_request(),
        **common,
    )
    kinds.register(
        "account_before_reminder",
        label="Reminder: written account due soon",
        recipient="A lead who has not sent the account",
        when="A few working days before the account is due",
        sample=_request("before"),
        **common,
    )
    kinds.register(
        "account_after_reminder",
        label="Reminder: written account overdue",
        recipient="A lead who has not sent the account",
        when="After the date the account was due",
        sample=_request("after"),
        **common,
    )
    kinds.register(
        "account_extension_asked",
        label="An agency asks for more time",
        recipient="The business manager who asked for the account",
        when="The agency's lead asks for more time",
        templates=["submissions/emails/extension_asked"],
        sample=_extension("submissions/emails/extension_asked", Extension.Decision.PENDING),
        group=GROUP,
    )
    kinds.register(
        "account_extension_decided",
        label="More time granted or refused",
        recipient=lead,
        when="The business manager answers a request for more time",
        templates=["submissions/emails/extension_decided"],
        sample=_extension("submissions/emails/extension_decided", Extension.Decision.GRANTED),
        group=GROUP,
    )
