"""How the audit log reads agencies' written accounts: their actions and objects, as the pages name them."""

from core import audit

ACTIONS = {
    "account.author_changed": "An agency changed who wrote its account",
    "account.extension_asked": "An agency asked for more time",
    "account.extension_granted": "Gave an agency more time",
    "account.extension_refused": "Refused an agency more time",
    "account.file_read": "Opened an agency's written account",
    "account.file_uploaded": "An agency uploaded its written account",
    "account.reminded": "Reminded an agency about its written account",
    "account.sent": "An agency sent its written account",
    "accounts.requested": "Asked agencies for written accounts",
}


def register():
    audit.register_actions(ACTIONS)
    audit.register(
        audit.Subject(
            "submissions.AccountRequest",
            lambda asked, detail: f"{asked.agency.name}'s written account",
            "review_id",
            related=("agency",),
        ),
        audit.Subject(
            "submissions.AccountVersion",
            lambda version, detail: (
                f"Version {version.number} of {version.document.request.agency.name}'s written account"
            ),
            "document__request__review_id",
            related=("document__request__agency",),
        ),
    )
