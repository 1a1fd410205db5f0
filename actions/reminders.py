"""Reminders for overdue actions, run by the periodic reminder sweep."""


def overdue_reminders(now):
    return 0
