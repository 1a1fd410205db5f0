"""The written accounts' reminder sweep: once before the deadline and once after it, each under its own
outbox key, so a second pass sends nothing. Each reminder carries a new link (only a hash is kept)."""

from django.db import transaction
from django.utils import timezone

from core import links
from core.workdays import add_working_days, subtract_working_days
from notifications.services import not_yet_queued
from submissions import services
from submissions.models import AccountRequest, Extension

# The reminder before goes this many working days before the deadline.
BEFORE_WORKING_DAYS = 3


def due_reminders(now):
    """{outbox key: (account request, "before" or "after")} for every account not yet sent that is due one."""
    today = timezone.localdate(now)
    waiting = (
        AccountRequest.objects.awaiting()
        .filter(deadline__lte=add_working_days(today, BEFORE_WORKING_DAYS))
        .exclude(review__status__in=services.CLOSED_STATUSES)
        # Asked for more time and not yet answered: the business manager's answer comes first.
        .exclude(extensions__decision=Extension.Decision.PENDING)
        .select_related("review__partnership", "agency", "template")
    )
    due = {}
    for account_request in waiting:
        if today > account_request.deadline:
            which = "after"
        elif today >= subtract_working_days(account_request.deadline, BEFORE_WORKING_DAYS):
            which = "before"
        else:
            continue
        # A granted extension moves the deadline, and with it the reminders.
        due[f"reminder:account:{account_request.pk}:{which}:{account_request.deadline:%Y%m%d}"] = (
            account_request,
            which,
        )
    return due


def remind(account_request, which, key):
    token = links.issue(
        account_request,
        expires_at=account_request.token_expires_at,
        actor_label="reminder sweep",
        action="account.reminded",
        link_rotated=True,
        which=which,
    )
    services._email_request(account_request, token, key=key, reminder=which)


def run_reminders(now=None):
    """One pass of the sweep, in its own transaction; returns how many reminders it queued."""
    with transaction.atomic():
        due = due_reminders(now or timezone.now())
        queued = 0
        for key in not_yet_queued(list(due)):
            account_request, which = due[key]
            locked = AccountRequest.objects.select_for_update().get(pk=account_request.pk)
            # Again under the lock: another pass may have queued it, or the lead sent the account, meanwhile.
            if locked.sent_at is not None or not not_yet_queued([key]):
                continue
            remind(locked, which, key)
            queued += 1
    return queued
