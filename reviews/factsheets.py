"""The practitioner factsheet: default wording, each partnership's own version, and its PDF.

The PDF helpers at the bottom (`safe_url_fetcher`, `render_pdf`, `pdf_response`) are shared by
every document Convene renders (the sign-in sheet in events/pdfs.py, and later ones).
"""

import re

from django.db import transaction

from core import audit
from core.downloads import safe_name
from core.pdfs import render_pdf
from reviews.models import Factsheet, Review

SECTIONS = (
    "what_it_is",
    "who_will_be_there",
    "how_to_prepare",
    "at_the_event",
    "afterwards",
    "confidentiality",
    "support",
)
MAX_SECTION_LENGTH = 3000

# Words in braces that the wording may use; they are filled from the partnership's details page
# when the factsheet is shown, so a new business manager's name appears without editing the text.
PLACEHOLDERS = ("partnership", "contact_name", "contact_email", "contact_phone")
PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")
# The partnership's details that factsheets show.
PARTNERSHIP_FIELDS = ("contact_name", "contact_email", "contact_phone", "website", "address", "support_text")

DEFAULT_WORDING = {
    Review.Type.CSPR: {
        "what_it_is": (
            "You are invited because a Child Safeguarding Practice Review (CSPR) is looking at what "
            "happened to a child, or a family, that you worked with. A partnership carries out a CSPR "
            "when a child has died or been seriously harmed and abuse or neglect is known or suspected. "
            "The duty comes from the Children Act 2004, as amended by the Children and Social Work Act "
            "2017, and the guidance Working Together to Safeguard Children.\n\n"
            "The practitioner event is where the independent reviewer meets the people who knew the "
            "child and the family and worked with them. The written reports the reviewer already has "
            "were mostly put together by colleagues who never met the child. Hearing from you directly "
            "gives the reviewer a fuller, first-hand picture, and gives you the chance to describe your "
            "work in your own words.\n\n"
            "The review is about learning, not blame."
        ),
        "who_will_be_there": (
            "- The independent reviewer who is writing the review. They chair the event.\n"
            "- {contact_name}, the partnership's business manager, who organises the event. Ask "
            "{contact_name} anything about the event, before or after it.\n"
            "- Practitioners and managers from the agencies that worked with the child and the family."
        ),
        "how_to_prepare": (
            "- Read the summary the reviewer sends you. It sets out what is known so far, so that "
            "everyone at the event starts from the same information. It is not used in the final report.\n"
            "- Look again at your own agency's records of your work with the child and the family. What "
            "happened may be months or years ago, and the records will help you remember it accurately.\n"
            "- If you need any adjustments to take part, or would like your line manager to come with you "
            "for support, say so when you reply to the invitation."
        ),
        "at_the_event": (
            "- Everyone will have the chance to describe their role and their contact with the child.\n"
            "- The reviewer wants to hear what happened from where you stood, and why you think things "
            "happened as they did.\n"
            "- You may be asked questions. They are not meant to catch you out: they help everyone "
            "understand what happened, and which systems helped your work or got in its way.\n"
            "- The reviewer will explore the learning themes that the information gathered so far has "
            "raised. Good practice is part of the learning too.\n"
            "- The event will not apportion blame, single out individual practitioners or criticise "
            "particular agencies.\n"
            "- The reviewer takes notes only to remember accurately what was said. The notes are not "
            "shared with anyone."
        ),
        "afterwards": (
            "- The reviewer puts together what you said with the agencies' chronologies and reports and "
            "what the family has shared, and writes a draft report.\n"
            "- Before the review is signed off, you will get a copy of the draft to check for factual "
            "accuracy, with a date to reply by.\n"
            "- Once it is signed off, the review is usually published on the partnership's website.\n"
            "- An action plan makes sure that agencies act on the learning and make changes where they "
            "need to. The partnership monitors it until the work is done."
        ),
        "confidentiality": (
            "Everything about this review is confidential. Do not talk about it outside the practitioner "
            "event, and do not pass the summary or any other document you receive to anyone else.\n\n"
            "The report will not name you, and it will not name or identify the child or the family."
        ),
        "support": (
            "Reviews like this often follow very sad events, and taking part can be hard. Talk to your "
            "own agency, such as your line manager or safeguarding lead, about support before the event "
            "and afterwards.\n\n"
            "If you have a question about the event or the review, contact {contact_name}."
        ),
    },
    Review.Type.SAR: {
        "what_it_is": (
            "You are invited because a Safeguarding Adult Review (SAR) is looking at what happened to an "
            "adult that you worked with. Under section 44 of the Care Act 2014, a Safeguarding Adults "
            "Board arranges a SAR when an adult with care and support needs has died or been seriously "
            "harmed, abuse or neglect is known or suspected, and there is concern about how agencies "
            "worked together.\n\n"
            "The practitioner event is where the independent reviewer meets the people who knew the "
            "adult and their family and worked with them. It gives you time and a safe space to reflect "
            "on your involvement and the decisions made, and helps the reviewer understand the "
            "pressures and the setting you were working in.\n\n"
            "The review is about learning, not blame."
        ),
        "who_will_be_there": (
            "- The independent reviewer who is writing the review. They chair the event.\n"
            "- {contact_name}, the board's business manager, who organises the event. Ask "
            "{contact_name} anything about the event, before or after it.\n"
            "- Practitioners and managers from the agencies that worked with the adult and their family."
        ),
        "how_to_prepare": (
            "- Read the summary the reviewer sends you. It sets out what is known so far, so that "
            "everyone at the event starts from the same information. It is not used in the final report.\n"
            "- Look again at your own agency's records of your work with the adult and their family. What "
            "happened may be months or years ago, and the records will help you remember it accurately.\n"
            "- If you need any adjustments to take part, or would like your line manager to come with you "
            "for support, say so when you reply to the invitation."
        ),
        "at_the_event": (
            "- Everyone will have the chance to describe their role and their contact with the adult.\n"
            "- The reviewer wants to hear first-hand what happened from where you stood, and why you think "
            "things happened as they did.\n"
            "- You may be asked questions. They are not meant to catch you out: they help everyone "
            "understand what happened, and which systems helped your work or got in its way.\n"
            "- The reviewer will explore the learning themes that the information gathered so far has "
            "raised. Good practice is part of the learning too.\n"
            "- The event will not apportion blame, single out individual practitioners or criticise "
            "particular agencies.\n"
            "- The reviewer takes notes only to remember accurately what was said. The notes are not "
            "shared with anyone."
        ),
        "afterwards": (
            "- The reviewer puts together what you said with the agencies' chronologies and reports and "
            "what the family has shared, and writes a draft report.\n"
            "- Before the review is signed off, you will get a copy of the draft to check for factual "
            "accuracy, with a date to reply by.\n"
            "- Once it is signed off, the review is usually published on the board's website.\n"
            "- An action plan makes sure that agencies act on the learning and make changes where they "
            "need to. The board monitors it until the work is done."
        ),
        "confidentiality": (
            "Everything about this review is confidential. Do not talk about it outside the practitioner "
            "event, and do not pass the summary or any other document you receive to anyone else.\n\n"
            "The report will not name you, and it will not name or identify the adult or their family."
        ),
        "support": (
            "Reviews like this often follow very sad events, and taking part can be hard. Talk to your "
            "own agency, such as your line manager or safeguarding lead, about support before the event "
            "and afterwards.\n\n"
            "If you have a question about the event or the review, contact {contact_name}."
        ),
    },
}


def factsheet_for(partnership, review_type):
    """The partnership's factsheet for this type of review, created with the default wording if new."""
    factsheet, _ = Factsheet.objects.get_or_create(
        partnership=partnership, review_type=review_type, defaults=dict(DEFAULT_WORDING[review_type])
    )
    return factsheet


def update_factsheet(factsheet, *, data, updated_by, request=None):
    """Save new wording (any of SECTIONS in `data`) as the next version; the same wording changes nothing."""
    with transaction.atomic():
        factsheet = Factsheet.objects.select_for_update().select_related("partnership").get(pk=factsheet.pk)
        changed = [name for name in SECTIONS if name in data and data[name] != getattr(factsheet, name)]
        if not changed:
            return factsheet
        for name in changed:
            setattr(factsheet, name, data[name])
        factsheet.version += 1
        factsheet.updated_by = updated_by
        factsheet.save()
        audit.record(
            "factsheet.updated",
            request=request,
            actor=updated_by,
            partnership=factsheet.partnership,
            obj=factsheet,
            review_type=factsheet.review_type,
            version=factsheet.version,
            sections=changed,
        )
    return factsheet


def fill_placeholders(text, partnership):
    values = {name: getattr(partnership, "name" if name == "partnership" else name) for name in PLACEHOLDERS}
    return PLACEHOLDER_RE.sub(lambda match: values.get(match[1], match[0]), text)


def text_blocks(text):
    """Split plain text into paragraphs and bulleted lists: ("p", text) and ("ul", [items]).

    A blank line starts a new paragraph; a line starting with "- " is a bullet point; other line
    breaks are kept (templates show paragraphs with `linebreaksbr`).
    """
    blocks = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.strip()
        bullet = line[:2] in ("- ", "* ", "• ")
        if not line:
            blocks.append(("", None))  # a break: the next line starts a new paragraph
        elif bullet and blocks and blocks[-1][0] == "ul":
            blocks[-1][1].append(line[2:].strip())
        elif bullet:
            blocks.append(("ul", [line[2:].strip()]))
        elif blocks and blocks[-1][0] == "p":
            blocks[-1] = ("p", f"{blocks[-1][1]}\n{line}")
        else:
            blocks.append(("p", line))
    return [block for block in blocks if block[0]]


def factsheet_sections(factsheet):
    """The sections as practitioners read them: heading and blocks, with placeholders filled."""
    partnership = factsheet.partnership
    sections = []
    for name in SECTIONS:
        blocks = text_blocks(fill_placeholders(getattr(factsheet, name), partnership))
        if name == "support" and partnership.support_text.strip():
            blocks += text_blocks(partnership.support_text)
        sections.append({"name": name, "heading": Factsheet._meta.get_field(name).verbose_name, "blocks": blocks})
    return sections


def factsheet_context(factsheet, *, event=None, place="", outline=None):
    partnership = factsheet.partnership
    context = {
        "factsheet": factsheet,
        "partnership": partnership,
        "type_label": factsheet.get_review_type_display(),
        "sections": factsheet_sections(factsheet),
        "event": event,
    }
    if event is not None:
        context |= {"review": event.review, "place": place, "outline": outline or {}}
    return context


def render_factsheet_pdf(factsheet, *, event=None, place="", outline=None):
    """The factsheet as an A4 tagged PDF; with `event`, a box with its date, `place` and contact.

    `outline` adds what the event is to the box: "reviewer", "facilitator", "agenda" and "themes" (titles).
    """
    context = factsheet_context(factsheet, event=event, place=place, outline=outline)
    return render_pdf("reviews/pdfs/factsheet.html", context)


def factsheet_filename(review_type, reference=""):
    parts = ["practitioner-event-factsheet", safe_name(reference) or review_type.upper()]
    return "-".join(parts) + ".pdf"
