"""Choosing people from the directory across searches and pages, without JavaScript.

Every button on the picker's page sends the one form, so the boxes ticked on the page are kept in
the session before the search changes or the page turns; they are kept until the people are added
(or the choice is cleared). A box left empty drops only someone the page showed: someone chosen
on another page stays chosen whatever this page sends.
"""

from practitioners.models import Practitioner

# Far more than an event's 10 to 60 invitees; it keeps a session small whatever is sent.
MAX_CHOSEN = 2000


def read_ids(values):
    """The whole numbers among the submitted values; anything else is ignored."""
    ids = set()
    for value in values:
        value = str(value).strip()
        if value.isdigit() and len(value) < 12:
            ids.add(int(value))
    return ids


class Picker:
    """The people one member of staff has chosen for one purpose (`key`), in their session."""

    def __init__(self, request, key, partnership):
        self.session = request.session
        self.key = f"picker:{partnership.pk}:{key}"
        self.partnership = partnership

    def ids(self):
        return set(self.session.get(self.key, []))

    def _save(self, ids):
        self.session[self.key] = sorted(ids)[:MAX_CHOSEN]

    def _own(self, ids):
        """Only the partnership's own people can be chosen."""
        if not ids:
            return set()
        return set(
            Practitioner.objects.for_partnership(self.partnership).filter(pk__in=ids).values_list("pk", flat=True)
        )

    def update(self, shown, ticked):
        """The page showed `shown` and came back with `ticked` ticked: keep those, drop the shown ones left empty."""
        self._save((self.ids() - read_ids(shown)) | self._own(read_ids(ticked)))

    def choose(self, ids):
        """Add `ids` (all shown, or everyone from an agency) to the choice."""
        self._save(self.ids() | self._own(read_ids(ids)))

    def clear(self):
        self.session.pop(self.key, None)

    def chosen(self):
        """The people chosen, still in the partnership's directory."""
        return Practitioner.objects.for_partnership(self.partnership).filter(pk__in=self.ids())
