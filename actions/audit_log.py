"""How the audit log reads the action plan's entries: its actions and its objects, as the pages name them."""

from core import audit

ACTIONS = {
    "action.added": "Added an action",
    "action.changed": "Changed an action",
    "action.evidence_downloaded": "Downloaded an action's evidence",
    "action.progress_added": "Added progress on an action",
    "action_link.sent": "Sent an action owner their link",
    "action_link.stopped": "Stopped an action owner's link",
    "action_plan.exported": "Downloaded the action plan",
    "recommendation.added": "Added a recommendation",
    "recommendation.changed": "Changed a recommendation",
}


def register():
    audit.register_actions(ACTIONS)
    audit.register(
        audit.Subject(
            "actions.Recommendation",
            lambda recommendation, detail: f"Recommendation {recommendation.number}",
            "review_id",
        ),
        audit.Subject(
            "actions.Action",
            lambda action, detail: f"An action of recommendation {action.recommendation.number}",
            "recommendation__review_id",
            related=("recommendation",),
        ),
        audit.Subject(
            "actions.ActionUpdate",
            lambda update, detail: f"Progress on an action of recommendation {update.action.recommendation.number}",
            "action__recommendation__review_id",
            related=("action__recommendation",),
        ),
        audit.Subject(
            "actions.AgencyLink",
            lambda link, detail: f"{link.agency.name}'s link to the action plan",
            "review_id",
            related=("agency",),
        ),
    )
