"""The emails about the draft report and publication, described for the list of every kind of email, with samples."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.formatting import long_date
from notifications import kinds
from reports.models import Checker, Circulation, ReportVersion
from reviews import samples

GROUP = "The draft report"


def _checker_email(name):
    def sample(partnership):
        review = samples.review(partnership)
        version = ReportVersion(review=review, number=2)
        circulation = Circulation(
            review=review,
            version=version,
            working_days=10,
            deadline=timezone.localdate() + timedelta(days=14),
            started_at=timezone.now(),
        )
        checker = Checker(
            circulation=circulation,
            role=Checker.Role.ATTENDEE,
            name="Sam Example",
            email="sam.example@police.example",
        )
        context = {
            "partnership": partnership,
            "review": review,
            "checker": checker,
            "circulation": circulation,
            "version": version,
            "deadline": long_date(circulation.deadline),
            "sent_on": long_date(timezone.localdate(circulation.started_at)),
            "link": settings.SITE_URL + reverse("draft:start", args=[samples.SAMPLE_LINK_SECRET]),
        }
        return kinds.rendered(f"reports/emails/{name}", context, recipient=checker.email)

    return sample


def _report_published(partnership):
    review = samples.review(partnership)
    context = {
        "review": review,
        "partnership": partnership,
        "name": "Sam Example",
        "url": settings.SITE_URL + reverse("published:list", args=[partnership.slug]),
    }
    return kinds.rendered("reports/emails/report_published", context, recipient="sam.example@police.example")


KINDS = [
    (
        "draft_circulated",
        "The draft report to check",
        "Everyone who took part, and the agencies' leads the business manager chose",
        "The business manager sends the draft for its factual-accuracy check",
        _checker_email("draft_circulated"),
    ),
    (
        "draft_reminder",
        "Reminder to check the draft report",
        "Checkers who have not answered",
        "Before the check's deadline, or when the business manager sends a reminder",
        _checker_email("draft_reminder"),
    ),
    (
        "draft_new_link",
        "A new link to the draft report",
        "A checker who needs one",
        "The business manager sends a checker a new link",
        _checker_email("draft_new_link"),
    ),
    (
        "report_published",
        "The report is published",
        "Everyone who checked the draft or attended an event",
        "The business manager tells the practitioners after publication",
        _report_published,
    ),
]


def register():
    kinds.register_about("reports.checker", review="circulation__review")
    kinds.register_table(KINDS, folder="reports/emails", group=GROUP)
