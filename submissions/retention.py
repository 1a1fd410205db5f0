"""What the agencies' written accounts keep, for the retention schedule (see reviews.retention): the
files, the partnership's templates, who wrote each account, the reasons for more time, the links."""

from django.db.models import Q

from core import links
from core.retention import REMOVED_EMAIL, ReviewData, not_blank
from notifications.models import OutboundMessage
from notifications.services import forget
from submissions.models import AccountRequest, AccountTemplate, AccountVersion, Extension

ACCOUNT_EMAILS = ("account-request", "account-extension", "account-extension-asked", "reminder:account")


class AccountData(ReviewData):
    labels = {
        "account_files": ("agency account file", "agency account files"),
        "account_templates": ("account template", "account templates"),
        "account_requests": ("agency account request", "agency account requests"),
        "account_extensions": ("request for more time", "requests for more time"),
        "account_emails": ("email about an agency account", "emails about agencies' accounts"),
    }

    def left(self, review):
        requests = AccountRequest.objects.filter(review=review)
        ids = set(requests.values_list("pk", flat=True))
        return {
            "account_files": AccountVersion.objects.filter(document__request__review=review).filter(
                not_blank("file", "original_filename")
            ),
            "account_templates": AccountTemplate.objects.filter(review=review).filter(
                not_blank("file", "original_filename")
            ),
            "account_requests": requests.filter(Q(token_hash__isnull=False) | not_blank("author_name", "author_role")),
            "account_extensions": Extension.objects.filter(request__review=review).filter(
                not_blank("reason", "refusal_reason")
            ),
            "account_emails": OutboundMessage.objects.keyed(
                review.partnership_id, {prefix: ids for prefix in ACCOUNT_EMAILS}
            ).exclude(recipient=REMOVED_EMAIL),
        }

    def files(self, review, left):
        return [
            *left["account_files"].exclude(file="").values_list("file", flat=True),
            *left["account_templates"].exclude(file="").values_list("file", flat=True),
        ]

    def remove(self, review, left, now):
        left["account_files"].update(file="", original_filename="")
        left["account_templates"].update(file="", original_filename="")
        links.revoke_all(left["account_requests"], now)
        left["account_requests"].update(token_hash=None, author_name="", author_role="")
        left["account_extensions"].update(reason="", refusal_reason="")
        forget(
            left["account_emails"], recipient=REMOVED_EMAIL, reason="Not sent: removed under the retention schedule."
        )
