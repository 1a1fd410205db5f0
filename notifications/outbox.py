"""The partnership's emails as the business manager's list shows them: each with its review, filtered."""

from django.apps import apps
from django.db.models import BigIntegerField, Case, CharField, OuterRef, Subquery, When

from notifications.kinds import ABOUT_REVIEW
from notifications.models import OutboundMessage


def _review_field(field):
    """The review's `field` for each message, through the path its sender registered for what it is about."""
    whens = []
    for about_type, path in ABOUT_REVIEW.items():
        rows = apps.get_model(about_type).objects.filter(pk=OuterRef("about_id"))
        whens.append(When(about_type=about_type, then=Subquery(rows.values(f"{path}__{field}" if path else field)[:1])))
    output = BigIntegerField() if field == "pk" else CharField()
    return Case(*whens, default=None, output_field=output)


def with_review(messages):
    """Each message with its review's id, reference and pseudonym (None for an email about no review)."""
    return messages.annotate(
        review_id=_review_field("pk"),
        review_reference=_review_field("reference"),
        review_pseudonym=_review_field("pseudonym"),
    )


def of_partnership(partnership, *, kind="", state="", review=None):
    """The partnership's emails, newest first, with their review; narrowed to a kind, a state and a review's id."""
    messages = with_review(OutboundMessage.objects.for_partnership(partnership)).defer("body_text", "body_html")
    if kind:
        messages = messages.filter(kind=kind)
    if state:
        messages = messages.filter(state=state)
    if review is not None:
        messages = messages.filter(review_id=review)
    return messages.order_by("-created_at", "-pk")


def reviews_with_emails(partnership):
    """(id, reference, pseudonym) of each review the partnership's emails are about, for the filter."""
    rows = (
        with_review(OutboundMessage.objects.for_partnership(partnership))
        .exclude(review_id=None)
        .order_by()
        .values_list("review_id", "review_reference", "review_pseudonym")
        .distinct()
    )
    return sorted(rows, key=lambda row: row[1] or "")


def kinds_sent(partnership):
    """The kinds the partnership's emails are of."""
    return set(
        OutboundMessage.objects.for_partnership(partnership).order_by().values_list("kind", flat=True).distinct()
    )
