"""How the audit log reads the partnership's own entries: its details and its staff."""

from core import audit

ACTIONS = {
    "partnership.updated": "Changed the partnership's details",
    "staff.added": "Added a member of staff",
    "staff.removed": "Removed a member of staff",
    "staff.role_changed": "Changed a member of staff's role",
    "audit.exported": "Downloaded the audit log as CSV",
}


def register():
    audit.register_actions(ACTIONS)
    audit.register(
        audit.Subject("core.Partnership", lambda partnership, detail: partnership.name),
        audit.Subject(
            "core.Membership",
            lambda membership, detail: (
                f"{membership.user.full_name or membership.user.email}, {membership.get_role_display().lower()}"
            ),
            related=("user",),
        ),
    )
