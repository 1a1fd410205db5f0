"""The action plan's state changes: recommendations, actions, progress updates and agency links."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from actions import evidence
from actions.models import Action, ActionUpdate, AgencyLink, Recommendation
from core import audit, links
from core.errors import DomainError
from core.formatting import uk_date
from notifications.services import queue_email, render_email
from reviews.models import Review

SIGNED_OFF = (Review.Status.SIGNED_OFF, Review.Status.PUBLISHED, Review.Status.CLOSED)
LINK_LIFETIME = timedelta(days=365)
MAX_TEXT = 10_000


def has_action_plan(review):
    return review.status in SIGNED_OFF


def _check_signed_off(review):
    if not has_action_plan(review):
        raise DomainError("The action plan starts once the review is signed off.")


def _lock_review(review):
    """Lock the review so that two requests number recommendations, or send links, one at a time."""
    locked = Review.objects.select_for_update().select_related("partnership").get(pk=review.pk)
    _check_signed_off(locked)
    return locked


def _clean_text(text, *, field, what):
    text = (text or "").strip()
    if not text:
        raise DomainError(f"Enter {what}", field=field)
    if len(text) > MAX_TEXT:
        raise DomainError(f"{what[0].upper()}{what[1:]} must be {MAX_TEXT:,} characters or fewer", field=field)
    return text


# Recommendations.


def add_recommendation(review, *, text, by, request=None):
    """Add the review's next recommendation, numbered after the last one."""
    text = _clean_text(text, field="text", what="the recommendation")
    with transaction.atomic():
        review = _lock_review(review)
        last = review.recommendations.aggregate(last=Max("number"))["last"] or 0
        recommendation = Recommendation.objects.create(review=review, number=last + 1, text=text)
        audit.record(
            "recommendation.added",
            request=request,
            actor=by,
            partnership=review.partnership,
            obj=recommendation,
            review_id=review.pk,
            number=recommendation.number,
        )
    return recommendation


def edit_recommendation(recommendation, *, text, by, request=None):
    text = _clean_text(text, field="text", what="the recommendation")
    with transaction.atomic():
        review = _lock_review(recommendation.review)
        recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if recommendation.text == text:
            return recommendation
        recommendation.text = text
        recommendation.save(update_fields=["text"])
        audit.record(
            "recommendation.changed",
            request=request,
            actor=by,
            partnership=review.partnership,
            obj=recommendation,
            review_id=review.pk,
            number=recommendation.number,
        )
    return recommendation


# Actions.

ACTION_FIELDS = ("description", "agency", "lead_name", "lead_email", "due_date")


def _check_action(review, data, *, created_on):
    agency = data["agency"]
    if agency.partnership_id != review.partnership_id:
        raise DomainError("Choose one of your partnership's agencies.", field="agency")
    if data["due_date"] < created_on:
        raise DomainError(
            f"The due date must be on or after {uk_date(created_on)}, the day the action was added.",
            field="due_date",
        )
    description = _clean_text(data["description"], field="description", what="what will be done")
    lead_name = " ".join((data.get("lead_name") or "").split())
    if not lead_name:
        raise DomainError("Enter the name of the lead person", field="lead_name")
    return data | {
        "description": description,
        "lead_name": lead_name[:150],
        "lead_email": (data.get("lead_email") or "").strip().lower(),
    }


def add_action(recommendation, *, data, by, request=None):
    """Add an action to a recommendation: what will be done, by which agency, who leads it, by when."""
    with transaction.atomic():
        review = _lock_review(recommendation.review)
        today = timezone.localdate()
        values = _check_action(review, {name: data.get(name) for name in ACTION_FIELDS}, created_on=today)
        action = Action.objects.create(recommendation=recommendation, created_on=today, **values)
        audit.record(
            "action.added",
            request=request,
            actor=by,
            partnership=review.partnership,
            obj=action,
            review_id=review.pk,
            recommendation=recommendation.number,
            agency_id=action.agency_id,
            due_date=action.due_date.isoformat(),
        )
    return action


def edit_action(action, *, data, by, request=None):
    with transaction.atomic():
        review = _lock_review(action.recommendation.review)
        action = Action.objects.select_for_update().get(pk=action.pk)
        values = _check_action(review, {name: data.get(name) for name in ACTION_FIELDS}, created_on=action.created_on)
        changed = [name for name, value in values.items() if getattr(action, name) != value]
        if not changed:
            return action
        for name in changed:
            setattr(action, name, values[name])
        action.save()
        audit.record(
            "action.changed",
            request=request,
            actor=by,
            partnership=review.partnership,
            obj=action,
            review_id=review.pk,
            fields=changed,
        )
    return action


# Progress updates.


def add_update(action, *, text, status, rag, evidence_file=None, by=None, author_name="", request=None):
    """Record progress on an action, with optional evidence; the action takes the update's status and RAG.

    `by` is the member of staff writing it; an action owner using their link gives `author_name` instead.
    """
    text = _clean_text(text, field="text", what="what has happened")
    if status not in Action.Status.values:
        raise DomainError("Choose the action's status", field="status")
    if rag not in Action.Rag.values:
        raise DomainError("Choose a RAG rating", field="rag")
    kind = data = None
    if evidence_file is not None:
        kind, data = evidence.check(evidence_file)

    stored = None
    try:
        with transaction.atomic():
            action = (
                Action.objects.select_for_update()
                .select_related("recommendation__review__partnership")
                .get(pk=action.pk)
            )
            review = action.recommendation.review
            _check_signed_off(review)
            update = ActionUpdate(
                action=action,
                text=text,
                status=status,
                rag=rag,
                author=by,
                author_name="" if by else author_name[:150],
            )
            if kind is not None:
                update.evidence.save(f"{uuid.uuid4()}.{kind.extension}", ContentFile(data), save=False)
                stored = update.evidence.name
                update.evidence_filename = evidence.original_name(evidence_file)
            update.save()
            was = action.status
            action.status, action.rag = status, rag
            if status == Action.Status.COMPLETE and was != Action.Status.COMPLETE:
                action.completed_on = timezone.localdate()
            elif status != Action.Status.COMPLETE:
                action.completed_on = None
            action.save(update_fields=["status", "rag", "completed_on", "updated_at"])
            detail = {} if by else {"actor_label": f"action owner, {action.agency}"}
            audit.record(
                "action.progress_added",
                request=request,
                actor=by,
                partnership=review.partnership,
                obj=update,
                action_id=action.pk,
                status=status,
                rag=rag,
                evidence=kind.extension if kind else None,
                **detail,
            )
    except BaseException:
        if stored:
            update.evidence.storage.delete(stored)
        raise
    return update


# Agency links.


AGENCY_LINK = links.LinkKind(
    queryset=AgencyLink.objects.select_related("review__partnership", "agency"),
    start_template="actions/owner_start.html",
    unavailable_template="core/link_unavailable.html",
    landing="action_owner:list",
    context=lambda agency_link: {"agency_link": agency_link, "review": agency_link.review},
    holder_label=lambda agency_link: f"action owner, {agency_link.agency}",
    on_open=lambda agency_link, request: record_link_opened(agency_link),
)


def agencies_with_actions(review):
    from practitioners.models import Agency

    return Agency.objects.filter(actions__recommendation__review=review).distinct()


def send_agency_link(review, agency, *, name, email, by, request=None):
    """Email the agency's action owner a personal link to its actions on this plan; any earlier link stops."""
    name = " ".join((name or "").split())
    email = (email or "").strip().lower()
    if not name:
        raise DomainError("Enter the action owner's name", field="name")
    if not email:
        raise DomainError("Enter the action owner's email address", field="email")
    with transaction.atomic():
        review = _lock_review(review)
        if agency.partnership_id != review.partnership_id:
            raise DomainError("Choose one of your partnership's agencies.")
        if not agencies_with_actions(review).filter(pk=agency.pk).exists():
            raise DomainError(f"{agency} has no actions on this plan yet. Add one before sending a link.")
        agency_link, created = AgencyLink.objects.select_for_update().get_or_create(
            review=review, agency=agency, defaults={"name": name[:150], "email": email}
        )
        agency_link.name, agency_link.email = name[:150], email
        agency_link.save(update_fields=["name", "email"])
        token = links.issue(
            agency_link,
            expires_at=timezone.now() + LINK_LIFETIME,
            request=request,
            actor=by,
            action="action_link.sent",
            review_id=review.pk,
            agency_id=agency.pk,
            link_rotated=not created,
        )
        context = {
            "partnership": review.partnership,
            "review": review,
            "agency": agency,
            "agency_link": agency_link,
            "link": settings.SITE_URL + reverse("action_owner:start", args=[token]),
            "resent": not created,
        }
        subject, text, html = render_email("actions/emails/action_link", context)
        queue_email(
            kind="action_link",
            recipient=email,
            subject=subject,
            body_text=text,
            body_html=html,
            partnership=review.partnership,
            about=agency_link,
            # Unique to this link; the hash is already in the database, the token is not.
            idempotency_key=f"action_link:{agency_link.pk}:{agency_link.token_hash[:24]}",
        )
    return agency_link


def stop_agency_link(agency_link, *, by, request=None):
    """Stop an agency's link at once, in every browser it was opened in. False if it had already stopped."""
    return links.revoke(
        agency_link, request=request, actor=by, action="action_link.stopped", agency_id=agency_link.agency_id
    )


def record_link_opened(agency_link):
    """When the action owner last opened their link, for the business manager's list of links."""
    AgencyLink.objects.filter(pk=agency_link.pk).update(last_used_at=timezone.now())


def actions_for_agency(agency_link):
    """The actions of the link's agency on the link's review, and no others."""
    return Action.objects.filter(
        recommendation__review_id=agency_link.review_id, agency_id=agency_link.agency_id
    ).select_related("recommendation", "agency")


def record_export(review, *, kind, by, request=None):
    audit.record(
        "action_plan.exported", request=request, actor=by, partnership=review.partnership, obj=review, format=kind
    )
