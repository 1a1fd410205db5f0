"""How the audit log reads the reports app's entries: its actions and its objects, as the pages name them."""

from core import audit

ACTIONS = {
    "comment.answered": "The reviewer answered a factual-accuracy comment",
    "draft.comment_added": "A checker added a comment on the draft",
    "draft.comment_changed": "A checker changed a comment on the draft",
    "draft.comment_deleted": "A checker deleted a comment on the draft",
    "draft.comments_sent": "A checker sent their comments on the draft",
    "draft.downloaded": "A checker downloaded the draft",
    "draft.link_rotated": "Sent a checker a new link",
    "draft.link_stopped": "Stopped a checker's link",
    "draft.no_comments": "A checker said they have no comments",
    "draft.terms_accepted": "A checker accepted the draft's confidentiality terms",
    "draft.viewed": "A checker read the draft",
    "report.check_progress_exported": "Downloaded the factual-accuracy check's progress as CSV",
    "report.check_reminded": "Reminded checkers to answer",
    "report.circulated": "Sent a version of the draft report for checking",
    "report.circulation_closed": "Closed a factual-accuracy check",
    "report.comment_report_downloaded": "Downloaded the comments and answers",
    "report.name_marked_not_a_person": "Marked a name the draft's check found as not a person",
    "report.practitioners_told": "Told practitioners the report is published",
    "report.publication_held": "Held back publication",
    "report.published": "Published the report",
    "report.version_added": "Added a version of the draft report",
    "report.version_downloaded": "Downloaded a version of the draft report",
    "report.version_viewed": "Opened a version of the draft report",
    "review.signed_off": "Recorded the review's sign-off",
}


def _checked(circulation):
    return f"version {circulation.version.number} of the draft report"


def register():
    audit.register_actions(ACTIONS)
    audit.register(
        audit.Subject(
            "reports.ReportVersion",
            lambda version, detail: f"Version {version.number} of the draft report",
            "review_id",
        ),
        audit.Subject(
            "reports.Circulation",
            lambda circulation, detail: f"The factual-accuracy check of {_checked(circulation)}",
            "review_id",
            related=("version",),
        ),
        audit.Subject(
            "reports.Checker",
            lambda checker, detail: f"Checking {_checked(checker.circulation)}",
            "circulation__review_id",
            person=lambda checker: checker.name,
            related=("circulation__version",),
        ),
        audit.Subject(
            "reports.Comment",
            lambda comment, detail: (
                f"A comment on paragraph {comment.paragraph} of {_checked(comment.checker.circulation)}"
            ),
            "checker__circulation__review_id",
            person=lambda comment: comment.checker.name,
            related=("checker__circulation__version",),
        ),
        audit.Subject(
            "reports.NameHit",
            lambda hit, detail: f"A name found in version {hit.version.number} of the draft report",
            "version__review_id",
            related=("version",),
        ),
    )
