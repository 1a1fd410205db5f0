"""The one writer of the audit log, and how its entries read on the log's page and in its CSV.

Each app describes its own entries (in its AppConfig.ready), so core names no domain app:
`register_actions` gives its action codes in plain English; `register` a `Subject` for each model
entries are about (how the pages name one, the review it belongs to, the practitioner it concerns);
the reviews app says how reviews are listed and referred to with `register_reviews`.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import CharField, F, Q
from django.db.models.functions import Cast

from core.models import AuditEntry


def client_ip(request):
    """The address the request came from (REMOTE_ADDR; the proxy sets it, see docs/deployment.md)."""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(action, *, request=None, actor=None, partnership=None, obj=None, **detail):
    """Append one entry to the audit log. Pass facts only: never a token or a document's text."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_label=(actor.email if actor is not None else detail.pop("actor_label", "")),
        partnership=partnership,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
        ip_address=client_ip(request),
    )


# How entries read ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """How the audit log names the objects of one model, as the pages name them."""

    # "events.SummaryVersion": the model's label, as entries store it.
    model: str
    # The object as the pages name it ("Version 2 of the summary"), from the object and the entry's
    # detail. Never a practitioner's name: that is `person`'s, and shown to business managers only.
    name: Callable[[Any, dict], str]
    # The lookup from the object to its review's id ("event__review_id"); "" if it belongs to none.
    review: str = ""
    # The practitioner (or checker) the object is about, or who acted through its personal link.
    person: Callable[[Any], str] | None = None
    # What `name` and `person` read, loaded with the objects in the same query.
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    # The detail key an entry keeps its review's id under, for entries whose object has since gone.
    review_in_detail: str = ""


@dataclass(frozen=True)
class Reviews:
    """How the log lists a partnership's reviews (for its filter) and refers to one (by its reference)."""

    # partnership -> [(review id, "CSPR-2026-01: Child A")]
    choices: Callable[[Any], list[tuple[int, str]]]
    # {review id: "CSPR-2026-01"} for the given ids
    references: Callable[[set[int]], dict[int, str]]


# The foundation's own actions: signing in and personal links. Each app adds its own.
PHRASES = {
    "access.refused": "Was refused a page",
    "auth.code_refused": "An authenticator code was refused",
    "auth.email_added": "Added an email address",
    "auth.email_removed": "Removed an email address",
    "auth.password_accepted": "Entered their password",
    "auth.password_changed": "Changed their password",
    "auth.password_reset": "Reset their password",
    "auth.primary_email_changed": "Changed their main email address",
    "auth.reauthenticated": "Confirmed their password again",
    "auth.totp_accepted": "Entered an authenticator app code",
    "auth.totp_removed": "Removed their authenticator app",
    "auth.totp_set_up": "Set up an authenticator app",
    "auth.recovery_codes_accepted": "Used a recovery code",
    "auth.recovery_codes_regenerated": "Made new recovery codes",
    "auth.recovery_codes_set_up": "Got recovery codes",
    "auth.code_throttled": "Too many authenticator codes: stopped for a while",
    "auth.sign_in_failed": "Failed to sign in",
    "auth.sign_in_throttled": "Too many failed sign-ins: stopped for a while",
    "auth.signed_in": "Signed in",
    "auth.signed_out": "Signed out",
    "link.issued": "Sent a personal link",
    "link.opened": "Opened a personal link",
    "link.revoked": "Stopped a personal link",
    "link.rotated": "Replaced a personal link",
    "link.throttled": "Too many wrong links from one address: stopped for a while",
}
SUBJECTS = {}
REVIEWS = []

# The labels entries by a personal link's holder carry, rather than a member of staff.
LINK_HOLDERS = {"invitee", "checker"}


def register_actions(phrases):
    """Add an app's action codes and what each means, in plain English ("Released the summary")."""
    PHRASES.update(phrases)


def register(*subjects):
    """Add how the log names the objects of an app's models."""
    for subject in subjects:
        SUBJECTS[subject.model] = subject


def register_reviews(reviews):
    REVIEWS[:] = [reviews]


def phrase(action):
    """What an action code means; a code nobody described reads as the code does."""
    return PHRASES.get(action) or action.replace(".", ": ").replace("_", " ").capitalize()


def review_choices(partnership):
    return REVIEWS[0].choices(partnership) if REVIEWS else []


def about_review(review_id):
    """Q: the entries about an object of the review (the review itself, its events, their invitations...)."""
    condition = Q(pk__in=[])
    for subject in SUBJECTS.values():
        if not subject.review:
            continue
        model = apps.get_model(subject.model)
        ids = (
            model._default_manager.filter(**{subject.review: review_id})
            .annotate(audit_object_id=Cast("pk", CharField()))
            .values("audit_object_id")
        )
        condition |= Q(object_type=subject.model, object_id__in=ids)
        if subject.review_in_detail:
            condition |= Q(object_type=subject.model, **{f"detail__{subject.review_in_detail}": review_id})
    return condition


def _model_name(label):
    try:
        name = apps.get_model(label)._meta.verbose_name
    except (LookupError, ValueError):
        name = label
    return f"{name[0].upper()}{name[1:]}" if name else ""


def _objects(label, ids):
    """{id as text: object} of one registered model, with its review's id as `audit_review_id`."""
    subject = SUBJECTS[label]
    model = apps.get_model(subject.model)
    keys = []
    for value in ids:
        try:
            keys.append(model._meta.pk.to_python(value))
        except ValidationError:
            continue  # an id this model cannot hold names no object of it
    objects = model._default_manager.filter(pk__in=keys).select_related(*subject.related)
    if subject.prefetch:
        objects = objects.prefetch_related(*subject.prefetch)
    if subject.review:
        objects = objects.annotate(audit_review_id=F(subject.review))
    return {str(obj.pk): obj for obj in objects}


def describe(entries, *, named):
    """Give each entry `what` (its object as the pages name it), `review` (the review's reference)
    and `who`; `named`: practitioners' names may show (to the partnership's business manager only).

    One query per kind of object on the page, and one for the reviews' references.
    """
    entries = list(entries)
    wanted = defaultdict(set)
    for entry in entries:
        if entry.object_type in SUBJECTS:
            wanted[entry.object_type].add(entry.object_id)
    found = {label: _objects(label, ids) for label, ids in wanted.items()}

    review_ids = {}
    for entry in entries:
        subject = SUBJECTS.get(entry.object_type)
        obj = found.get(entry.object_type, {}).get(entry.object_id)
        person = ""
        if obj is not None:
            entry.what = subject.name(obj, entry.detail or {})
            person = subject.person(obj) if subject.person else ""
            review_ids[entry.pk] = getattr(obj, "audit_review_id", None)
        elif subject is not None:
            # The object has gone since (a deleted note, a removed member of staff): say what it was.
            entry.what = f"{_model_name(entry.object_type)} (since removed)"
            if subject.review_in_detail:
                review_ids[entry.pk] = (entry.detail or {}).get(subject.review_in_detail)
        else:
            entry.what = _model_name(entry.object_type) if entry.object_type else ""
        entry.person = person if named else ""
        entry.who = _who(entry, entry.person)
        # The person is named once: as who acted (through their own link), or else beside what it was about.
        if entry.person and entry.person not in entry.who:
            entry.what = f"{entry.what}: {entry.person}" if entry.what else entry.person

    ids = {value for value in review_ids.values() if isinstance(value, int)}
    references = REVIEWS[0].references(ids) if ids and REVIEWS else {}
    for entry in entries:
        entry.review = references.get(review_ids.get(entry.pk), "")
    return entries


def _who(entry, person):
    if entry.actor is not None:
        return entry.actor.full_name or entry.actor.email
    label = entry.actor_label or "Unknown"
    if person and label in LINK_HOLDERS:
        return f"{person} ({label})"
    return label
