"""How the audit log reads the partnership's own entries: its details and its staff."""

from core import audit

ACTIONS = {
    "partnership.updated": "Changed the partnership's details",
    "staff.added": "Added a member of staff",
    "staff.removed": "Removed a member of staff",
    "staff.role_changed": "Changed a member of staff's role",
    "audit.exported": "Downloaded the audit log as CSV",
    "auth.password_refused_sso": "Tried to sign in with a password where the organisation's account must be used",
    "auth.sso_failed": "Single sign-on failed at the provider",
    "auth.sso_linked": "Linked their account to the organisation's sign-in",
    "auth.sso_refused": "Was refused single sign-on",
    "auth.sso_session_ended": "A single sign-on session was ended (no longer on the staff)",
    "auth.sso_signed_in": "Signed in with the organisation's account",
    "sso.provider_added": "Added a single sign-on provider",
    "sso.provider_changed": "Changed a single sign-on provider",
    "sso.provider_removed": "Removed a single sign-on provider",
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
