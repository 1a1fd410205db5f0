"""Every kind of email the product sends, as the app that sends it describes it.

The outbox knows no domain: each app registers its kinds (in its AppConfig.ready) with words for
people (what the email is, who gets it) and a sample, the email rendered by the app's own code with
made-up people and a made-up review, so that a business manager can read any email before it is sent.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sample:
    """An email as a sample renders it: its subject, bodies and the attachments it would carry."""

    subject: str
    body_text: str
    body_html: str
    attachments: list = field(default_factory=list)
    recipient: str = ""


@dataclass(frozen=True)
class EmailKind:
    name: str  # the outbox row's kind
    label: str  # what the email is: "Invitation to a practitioner event"
    recipient: str  # who gets it: "Each invitee"
    when: str  # what sends it: "The business manager sends the invitations"
    templates: tuple  # the email templates it is rendered from ("events/emails/invitation")
    sample: Callable  # sample(partnership) -> Sample
    group: str = ""  # where it belongs in the list: "Practitioner events"


KINDS = {}


def register(name, *, label, recipient, when, templates, sample, group=""):
    """Describe one kind of email; a second registration of a name is a mistake and fails loudly."""
    if name in KINDS:
        raise ValueError(f"The email kind {name!r} is registered twice")
    KINDS[name] = EmailKind(
        name=name,
        label=label,
        recipient=recipient,
        when=when,
        templates=tuple(templates),
        sample=sample,
        group=group,
    )


def register_table(rows, *, folder, group):
    """Describe several kinds at once: rows of (name, label, recipient, when, sample), each rendered
    from the templates named after it in `folder` (such as "events/emails")."""
    for name, label, recipient, when, sample in rows:
        register(
            name,
            label=label,
            recipient=recipient,
            when=when,
            templates=[f"{folder}/{name}"],
            sample=sample,
            group=group,
        )


def label_of(kind):
    """What an outbox row's kind is, in words (the kind itself if no app described it)."""
    described = KINDS.get(kind)
    return described.label if described is not None else kind.replace("_", " ").capitalize()


def in_groups():
    """The kinds in their groups, each group and its kinds in the order the apps registered them."""
    groups = {}
    for kind in KINDS.values():
        groups.setdefault(kind.group, []).append(kind)
    return list(groups.items())


def rendered(template, context, *, attachments=(), recipient=""):
    """A sample rendered from an email template as the outbox renders every email (render_email)."""
    from notifications.services import render_email

    subject, text, html = render_email(template, context)
    return Sample(subject, text, html, list(attachments), recipient)


# What a message is about (its about_type, "events.invitation") -> the path from that row to the review it
# belongs to ("event__review"; "" for a review itself), so the list of emails can name and filter by review.
ABOUT_REVIEW = {}


def register_about(about_type, *, review):
    """Say how a message about rows of `about_type` finds its review (a path of foreign keys, "" for the review)."""
    ABOUT_REVIEW[about_type] = review
