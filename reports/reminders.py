"""Reminders to checkers who have not answered before the factual-accuracy deadline."""


def check_reminders(now):
    return 0
