from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Partnerships, staff and the audit log"

    def ready(self):
        # Which kept parts of busy pages a change makes afresh (core/stamps.py).
        from core import (
            signals,  # noqa: F401 - connects the sign-in audit receivers
            stamps,
        )
        from core.models import Membership, Partnership, User

        stamps.watch(Partnership, partnership="pk", directory="pk")
        stamps.watch(Membership, partnership="partnership_id")
        # Staff are named on pages as the directory's people are (an event's chair, a review's reviewers).
        stamps.watch(User, partnership="memberships__partnership_id", directory="memberships__partnership_id")
