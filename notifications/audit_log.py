"""How the audit log reads the outbox's own entries."""

from core import audit

ACTIONS = {
    "email.retried": "Tried a failed email again",
}


def register():
    audit.register_actions(ACTIONS)
