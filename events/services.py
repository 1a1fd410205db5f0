"""State changes for practitioner events and their invitee lists: one function each, audited."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from core import audit
from core.errors import DomainError
from events.models import Event, EventTheme, Invitation
from reviews.names import contains_real_name

# The fields that say when and where an event is: changing one after the invitations have gone
# out means every invitee needs an updated calendar entry.
TIME_AND_PLACE = ("starts_at", "ends_at", "format", "venue_name", "venue_address", "joining_link", "joining_details")

DETAIL_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "format",
    "venue_name",
    "venue_address",
    "access_information",
    "joining_link",
    "joining_details",
    "chair",
    "facilitator",
    "capacity",
    "rsvp_deadline",
    "agenda",
)


class EventError(DomainError):
    """A change to an event that the rules do not allow; its message is shown to the user."""


@dataclass(frozen=True)
class EventUpdate:
    """What `update_event` changed.

    `invitees_need_update` is the hook for notifications: when it is true, every invitee who has
    been sent an invitation must get the new time or place and a calendar entry with the new
    `event.sequence`.
    """

    event: Event
    changed: list[str] = field(default_factory=list)
    time_or_place_changed: bool = False
    invitees_need_update: bool = False


def check_title(review, title):
    """Refuse a title that gives the child's or adult's real name."""
    if contains_real_name(title, review.subject_name):
        raise EventError(
            "The title must not contain the real name of the child or adult. "
            f"Use the pseudonym, such as {review.pseudonym}.",
            field="title",
        )


JOINING_LINK_MAX = 2000
_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def check_joining_link(link):
    """The joining link as it is kept (scheme in lower case), or an EventError naming what to fix.

    Only http and https: an address such as javascript: or data: would run or show something in the
    practitioner's browser when they follow it.
    """
    link = link.strip()
    if not link:
        return ""
    scheme, separator, rest = link.partition("://")
    if not separator or scheme.lower() not in ("http", "https"):
        raise EventError(
            "The joining link must be a web address starting with https:// (or http://), "
            "like https://meet.example.org/abc",
            field="joining_link",
        )
    link = f"{scheme.lower()}://{rest}"
    if len(link) > JOINING_LINK_MAX:
        raise EventError("The joining link must be 2,000 characters or fewer", field="joining_link")
    try:
        _WEB_ADDRESS(link)
    except ValidationError:
        raise EventError(
            "Enter the joining link as a whole web address with no spaces, like https://meet.example.org/abc",
            field="joining_link",
        ) from None
    return link


def _check_details(details):
    if "joining_link" in details:
        details["joining_link"] = check_joining_link(details["joining_link"])


def invitations_went_out(event):
    """Whether anyone has been sent an invitation to this event."""
    if event.status in (Event.Status.INVITATIONS_SENT, Event.Status.HELD):
        return True
    return event.invitations.exclude(status=Invitation.Status.NOT_SENT).exists()


def capacity_too_small(event, capacity):
    """The reason `capacity` is too small for the people already attending, or None if it is not."""
    accepted = event.taking_places().count()
    if capacity >= accepted:
        return None
    who = "person who has" if accepted == 1 else "people who have"
    if event.is_hybrid:
        # Those joining online take no place in the room.
        return f"The number of places cannot be less than the {accepted} {who} said they will attend in the room."
    return f"The number of places cannot be less than the {accepted} {who} already said they will attend."


def _check_capacity(event, capacity):
    if message := capacity_too_small(event, capacity):
        raise EventError(message, field="capacity")


def _check_can_change(event):
    if event.is_cancelled:
        raise EventError("This event has been cancelled, so it cannot be changed.")


def _check_chair(review, chair):
    if chair is not None and not review.reviewers.filter(pk=chair.pk).exists():
        raise EventError("The chair must be one of the review's independent reviewers.", field="chair")


def _check_themes(review, learning_themes):
    if any(theme.review_id != review.pk for theme in learning_themes):
        raise EventError("Choose learning themes from this review.", field="learning_themes")


def create_event(review, *, details, learning_themes=(), created_by, request=None):
    """Schedule a practitioner event for a review. `details` maps Event field names to values."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Not event details: {sorted(unknown)}")
    check_title(review, details["title"])
    details = dict(details)
    _check_details(details)
    _check_chair(review, details.get("chair"))
    _check_themes(review, learning_themes)
    with transaction.atomic():
        event = Event(review=review, created_by=created_by, **details)
        event.save()
        event.learning_themes.set(learning_themes)
        audit.record(
            "event.created",
            request=request,
            actor=created_by,
            partnership=review.partnership,
            obj=event,
            review=review.pk,
            starts_at=event.starts_at.isoformat(),
        )
    return event


def update_event(event, *, details, learning_themes=None, updated_by, request=None):
    """Change an event's details (including rescheduling it). Returns what changed.

    A change of time or place after the invitations have gone out bumps `sequence`, so calendar
    programs replace the entry they already hold.
    """
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Not event details: {sorted(unknown)}")
    review = event.review
    if "title" in details:
        check_title(review, details["title"])
    details = dict(details)
    _check_details(details)
    if "chair" in details:
        _check_chair(review, details["chair"])
    if learning_themes is not None:
        _check_themes(review, learning_themes)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        _check_can_change(locked)
        changed = [name for name, value in details.items() if getattr(locked, name) != value]
        if "capacity" in changed:
            _check_capacity(locked, details["capacity"])
        if learning_themes is not None:
            before = set(locked.learning_themes.values_list("pk", flat=True))
            if before != {theme.pk for theme in learning_themes}:
                changed.append("learning_themes")
                locked.learning_themes.set(learning_themes)
        time_or_place_changed = any(name in TIME_AND_PLACE for name in changed)
        invitees_need_update = time_or_place_changed and invitations_went_out(locked)
        if not changed:
            return EventUpdate(event=locked)
        for name, value in details.items():
            setattr(locked, name, value)
        if invitees_need_update:
            locked.sequence += 1
        locked.save()
        if invitees_need_update:
            from events.invitations import notify_event_changed

            notify_event_changed(locked, sorted(name for name in changed if name in TIME_AND_PLACE))
        withdrawn = _withdraw_stale_reminders(locked, changed, time_or_place_changed)
        audit.record(
            "event.updated",
            request=request,
            actor=updated_by,
            partnership=review.partnership,
            obj=locked,
            fields=sorted(changed),
            sequence=locked.sequence,
            invitees_need_update=invitees_need_update,
            reminders_withdrawn=withdrawn,
        )
    locked.review = review
    return EventUpdate(
        event=locked,
        changed=sorted(changed),
        time_or_place_changed=time_or_place_changed,
        invitees_need_update=invitees_need_update,
    )


def describe_event(event, *, agenda, facilitator, themes, shared_themes, updated_by, request=None):
    """Change what the event is, as invitees are told it: its agenda, facilitator and learning themes.

    `shared_themes` are the themes invitees may see, each one of `themes`; the others never reach a
    practitioner. Returns the names of what changed. Allowed after the event too (the agenda can be
    corrected), not once it is cancelled.
    """
    review = event.review
    agenda, facilitator = agenda.strip(), " ".join(facilitator.split())
    for name, text in (("agenda", agenda), ("facilitator", facilitator)):
        if contains_real_name(text, review.subject_name):
            raise EventError(
                f"Invitees see the {name}, so it must not contain the real name of the child or adult. "
                f"Use the pseudonym, {review.pseudonym}.",
                field=name,
            )
    _check_themes(review, themes)
    explored = {theme.pk for theme in themes}
    if not_explored := [theme for theme in shared_themes if theme.pk not in explored]:
        raise EventError(
            f"Tick “{not_explored[0].title}” under learning themes to explore as well, or do not share it",
            field="shared_themes",
        )
    shared = {theme.pk for theme in shared_themes}
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        _check_can_change(locked)
        changed = [
            name for name, value in (("agenda", agenda), ("facilitator", facilitator)) if getattr(locked, name) != value
        ]
        links = {link.theme_id: link for link in EventTheme.objects.filter(event=locked)}
        if set(links) != explored:
            changed.append("learning_themes")
        if {pk for pk, link in links.items() if link.shareable} != shared:
            changed.append("shared_themes")
        if not changed:
            return []
        locked.agenda, locked.facilitator = agenda, facilitator
        locked.save(update_fields=["agenda", "facilitator"])
        EventTheme.objects.filter(event=locked).exclude(theme_id__in=explored).delete()
        for pk in explored:
            EventTheme.objects.update_or_create(event=locked, theme_id=pk, defaults={"shareable": pk in shared})
        audit.record(
            "event.described",
            request=request,
            actor=updated_by,
            partnership=review.partnership,
            obj=locked,
            fields=sorted(changed),
            shared_themes=sorted(shared),
        )
    event.agenda, event.facilitator = agenda, facilitator
    return sorted(changed)


def cancel_event(event, *, reason, cancelled_by, request=None):
    """Cancel an event, with the reason invitees will be given. It cannot be changed afterwards."""
    reason = reason.strip()
    if not reason:
        raise EventError("Enter the reason for cancelling the event.", field="reason")
    if contains_real_name(reason, event.review.subject_name):
        raise EventError(
            "The reason is emailed to every invitee, so it must not contain the real name of the child or adult.",
            field="reason",
        )
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.is_cancelled:
            raise EventError("This event has already been cancelled.")
        if locked.status == Event.Status.HELD:
            raise EventError("This event has already been held, so it cannot be cancelled.")
        notify = invitations_went_out(locked)
        locked.status = Event.Status.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.cancellation_reason = reason
        # Calendar programs apply a cancellation only if its sequence is higher than the last one.
        locked.sequence += 1
        locked.save(update_fields=["status", "cancelled_at", "cancellation_reason", "sequence"])
        if notify:
            from events.invitations import notify_event_cancelled

            notify_event_cancelled(locked)
        from events import reminders

        withdrawn = reminders.withdraw_reminders(locked, kinds=reminders.REMINDER_KINDS, reason=reminders.CANCELLED)
        audit.record(
            "event.cancelled",
            request=request,
            actor=cancelled_by,
            partnership=locked.review.partnership,
            obj=locked,
            invitees_need_update=notify,
            reminders_withdrawn=withdrawn,
        )
    return locked


def _withdraw_stale_reminders(event, changed, time_or_place_changed):
    """Reminders waiting to go out that name the event's old time, place or reply-by date: withdrawn."""
    from events import reminders

    if time_or_place_changed:
        kinds, reason = (reminders.RSVP_REMINDER, reminders.EVENT_REMINDER), reminders.MOVED
    elif "rsvp_deadline" in changed:
        kinds, reason = (reminders.RSVP_REMINDER,), reminders.REPLY_BY_MOVED
    else:
        return 0
    return reminders.withdraw_reminders(event, kinds=kinds, reason=reason)


def _lock_open_event(event):
    locked = Event.objects.select_for_update(of=("self",)).select_related("review__partnership").get(pk=event.pk)
    _check_can_change(locked)
    if locked.status == Event.Status.HELD:
        raise EventError("This event has already been held, so its invitee list cannot be changed.")
    return locked


def add_invitees(event, practitioners, *, source, added_by, request=None):
    """Put directory practitioners on an event's invitee list (not yet sent).

    Returns (added invitations, practitioners who were already on the list); the second group
    is skipped and does not stop the others being added.
    """
    practitioners = list({p.pk: p for p in practitioners}.values())
    with transaction.atomic():
        # Locking the event serialises two people adding to the same list at once.
        locked = _lock_open_event(event)
        partnership = locked.review.partnership
        if any(p.partnership_id != partnership.pk for p in practitioners):
            raise EventError("Choose people from this partnership's directory.")
        invited = set(
            locked.invitations.filter(practitioner__in=[p.pk for p in practitioners]).values_list(
                "practitioner_id", flat=True
            )
        )
        already_there = [p for p in practitioners if p.pk in invited]
        new = [p for p in practitioners if p.pk not in invited]
        now = timezone.now()
        added = Invitation.objects.bulk_create(
            [Invitation(event=locked, practitioner=p, source=source, added_by=added_by, added_at=now) for p in new]
        )
        if added or already_there:
            audit.record(
                "invitees.added",
                request=request,
                actor=added_by,
                partnership=partnership,
                obj=locked,
                source=source,
                practitioners=[p.pk for p in new],
                already_invited=[p.pk for p in already_there],
            )
    return added, already_there


def invite_new_person(event, *, details, added_by, request=None):
    """Add someone to the directory (or find them there by email) and put them on the invitee list.

    Returns (practitioner, invitation or None if they were already on the list, created).
    """
    from practitioners import services as directory

    with transaction.atomic():
        locked = _lock_open_event(event)
        try:
            practitioner, created = directory.find_or_create_practitioner(
                locked.review.partnership, **details, added_by=added_by, request=request
            )
        except directory.DomainError as error:
            raise EventError(str(error), field=error.field) from error
        source = Invitation.Source.NEW if created else Invitation.Source.DIRECTORY
        added, _ = add_invitees(locked, [practitioner], source=source, added_by=added_by, request=request)
    return practitioner, (added[0] if added else None), created


def remove_invitee(invitation, *, removed_by, request=None):
    """Take someone off the invitee list; only while their invitation has not been sent."""
    with transaction.atomic():
        event = _lock_open_event(invitation.event)
        locked = Invitation.objects.select_for_update(of=("self",)).select_related("practitioner").get(pk=invitation.pk)
        if locked.status != Invitation.Status.NOT_SENT:
            raise EventError(
                f"{locked.practitioner.full_name} has already been sent an invitation, "
                "so they cannot be removed from the list."
            )
        audit.record(
            "invitee.removed",
            request=request,
            actor=removed_by,
            partnership=event.review.partnership,
            obj=event,
            invitation=locked.pk,
            practitioner=locked.practitioner_id,
        )
        locked.delete()


def upcoming_events_for(user, partnership, now=None):
    """The events the user may see in a partnership that have not ended or been cancelled, soonest first."""
    return (
        Event.objects.visible_to(user, partnership).upcoming(now).select_related("review").order_by("starts_at", "pk")
    )


def accept_nominations(*, review, nominations, event=None, accepted_by, request=None):
    """Put nominated people into the directory and, if an event is given, onto its invitee list."""
    from practitioners.nominations import accept_into_directory

    with transaction.atomic():
        accepted = accept_into_directory(
            review=review, nominations=nominations, accepted_by=accepted_by, request=request
        )
        added = []
        if event is not None:
            if event.review_id != review.pk:
                raise DomainError("That event belongs to another review.")
            added, _ = add_invitees(
                event, accepted, source=Invitation.Source.NOMINATION, added_by=accepted_by, request=request
            )
        audit.record(
            "nominations.accepted",
            request=request,
            actor=accepted_by,
            partnership=review.partnership,
            obj=review,
            count=len(accepted),
            event=event.pk if event else None,
        )
    return accepted, added
