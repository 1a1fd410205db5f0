"""What the draft report and its factual-accuracy check keep about people, for the retention schedule
(see reviews.retention). The signed-off version and the publication are kept."""

from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat

from core import links
from core.retention import REMOVED_DOMAIN, REMOVED_EMAIL, REMOVED_NAME, ReviewData, not_blank
from notifications.models import OutboundMessage
from notifications.services import forget
from reports.models import Checker, Comment, NameHit, ReportVersion, SignOff

# The emails about the check and the publication: each key is "<prefix>:<id>…", the id that of one of the
# review's checkers, or of the review itself.
CHECKER_EMAILS = ("draft-circulated", "draft-reminder", "draft-link", "reminder:draft")
REVIEW_EMAILS = ("report-published",)


class ReportData(ReviewData):
    labels = {
        "report_versions": ("draft report version", "draft report versions"),
        "name_hits": ("name found by the anonymisation check", "names found by the anonymisation check"),
        "checkers": ("person asked to check the draft", "people asked to check the draft"),
        "comments": ("factual-accuracy comment", "factual-accuracy comments"),
        "report_emails": (
            "email about the draft report or its publication",
            "emails about the draft report or its publication",
        ),
    }

    def left(self, review):
        signed_off = SignOff.objects.filter(review=review).values("version_id")
        checkers = Checker.objects.filter(circulation__review=review)
        checker_ids = set(checkers.values_list("pk", flat=True))
        emails = OutboundMessage.objects.keyed(
            review.partnership_id,
            {prefix: checker_ids for prefix in CHECKER_EMAILS} | {prefix: {review.pk} for prefix in REVIEW_EMAILS},
        )
        return {
            "report_versions": ReportVersion.objects.filter(review=review)
            .exclude(pk__in=signed_off)
            .filter(not_blank("file", "body_html", "original_filename")),
            "name_hits": NameHit.objects.filter(version__review=review).filter(not_blank("matched", "context")),
            "checkers": checkers.filter(
                ~Q(name=REMOVED_NAME) | Q(token_hash__isnull=False) | Q(practitioner__isnull=False)
            ),
            "comments": Comment.objects.filter(checker__circulation__review=review).filter(
                not_blank("text", "correction")
            ),
            "report_emails": emails.exclude(recipient=REMOVED_EMAIL),
        }

    def files(self, review, left):
        return list(left["report_versions"].exclude(file="").values_list("file", flat=True))

    def remove(self, review, left, now):
        left["report_versions"].update(file="", body_html="", original_filename="")
        left["name_hits"].update(matched="", context="")
        checkers = left["checkers"]
        links.revoke_all(checkers, now)
        checkers.update(
            name=REMOVED_NAME,
            # Each checker's address must differ within its circulation.
            email=Concat(Value("checker-"), Cast("pk", CharField()), Value(f"@{REMOVED_DOMAIN}")),
            token_hash=None,
            practitioner=None,
        )
        left["comments"].update(text="", correction="")
        forget(left["report_emails"], recipient=REMOVED_EMAIL, reason="Not sent: removed under the retention schedule.")
