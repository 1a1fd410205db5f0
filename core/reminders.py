"""For the reminder sweeps of every app: which rows may be due today, asked of the database in one query."""

from functools import reduce
from operator import or_

from django.db.models import Q

from core.models import Partnership
from core.workdays import add_working_days


def working_day_window(setting, date_field, today):
    """Q: `date_field` is within the N working days its partnership's `setting` says; None if all are 0.

    today >= subtract_working_days(date, N) exactly when date <= add_working_days(today, N), so each
    N in use gives one term with its last date. For querysets of a model with a `review`.
    """
    in_use = Partnership.objects.exclude(**{setting: 0}).order_by().values_list(setting, flat=True).distinct()
    terms = [
        Q(**{f"review__partnership__{setting}": days, f"{date_field}__lte": add_working_days(today, days)})
        for days in in_use
    ]
    return reduce(or_, terms) if terms else None
