"""The anonymisation check: every place a draft seems to name a person the review knows about.

Four sets of names are looked for: the real name kept for the child or adult, the invitees of the
review's events, the people nominated for it, and the partnership's practitioner directory.

A name matches as whole words, in any case, with a possessive ("Smith's", "Smiths'"), or as
initials and surname ("A Smith", "A. Smith", "J. A. Smith"). For the real name, the given name
alone and the surname alone match too.

Speed: the text is cut into words once, by one compiled pattern, and each set of names becomes
one table of its spellings; each word then costs a few table look-ups, however many names there
are. (A pattern of a few thousand names' spellings takes the regular-expression compiler longer to
build than the whole check takes this way.)
"""

import re

from django.db import transaction
from django.utils import timezone

from core import audit
from core.errors import DomainError
from reports.models import NameHit, ReportVersion, SignOff

CONTEXT_CHARS = 60
MAX_REASON_LENGTH = 500

# A word: letters, with apostrophes or hyphens inside it ("O'Brien", "Smith-Jones", "Smith's").
WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# What may separate the words of one name: spaces, or after an initial a full stop as well.
WORD_GAP_RE = re.compile(r"\s+")
INITIAL_GAP_RE = re.compile(r"\.\s*|\s+")
APOSTROPHES = "'’"

# When two names overlap, the longer wins; for the same words, the earlier kind here.
KIND_ORDER = (NameHit.Kind.SUBJECT, NameHit.Kind.INVITEE, NameHit.Kind.NOMINEE, NameHit.Kind.PRACTITIONER)


def _element(word):
    """A word as a spelling compares it: a capital initial, or the word in lower case."""
    if len(word) == 1:
        return ("initial", word.upper())
    return ("word", word.casefold().replace("’", "'"))


def spellings(name, *, subject=False):
    """Each way the name may be written, as a tuple of elements."""
    words = [_element(word) for word in WORD_RE.findall(name or "")]
    if not words:
        return set()
    if len(words) == 1:
        return {tuple(words)} if words[0][0] == "word" else set()
    given, surname = words[:-1], words[-1]
    initials = [("initial", text[0].upper()) for _, text in given]
    found = {tuple(words), (initials[0], surname), (*initials, surname)}
    if len(given) > 1:
        found.add((given[0], surname))
    if subject:
        found.update((word,) for word in (given[0], surname) if word[0] == "word")
    return found


def spelling_table(names):
    """{spelling: kind} for {kind: names}; a spelling shared by two kinds belongs to the earlier."""
    table = {}
    for kind in reversed(KIND_ORDER):
        for name in names.get(kind, ()):
            for spelling in spellings(name, subject=kind == NameHit.Kind.SUBJECT):
                table[spelling] = kind
    return table


def names_for(review):
    """{kind: names} for the review: its real name, invitees, nominees and the partnership's directory."""
    from events.models import Invitation
    from practitioners.models import Nomination, Practitioner

    invitees = Invitation.objects.filter(event__review=review).values_list("practitioner__full_name", flat=True)
    nominees = Nomination.objects.filter(request__review=review).values_list("full_name", flat=True)
    directory = Practitioner.objects.for_partnership(review.partnership_id).values_list("full_name", flat=True)
    subject = review.subject_name
    return {
        NameHit.Kind.SUBJECT: [subject] if subject else [],
        NameHit.Kind.INVITEE: set(invitees),
        NameHit.Kind.NOMINEE: set(nominees),
        NameHit.Kind.PRACTITIONER: set(directory),
    }


def _tokens(text):
    """Each word of the text as (start, end, element, [(element, end)] read as a name's last word).

    A last word may carry a possessive: "Smith's" and "Smiths'" also read as "smith".
    """
    tokens = []
    for match in WORD_RE.finditer(text):
        word, start, end = match[0], match.start(), match.end()
        element = _element(word) if len(word) > 1 or word.isupper() else ("lower", word)
        last = [(element, end)]
        if len(word) > 2 and word[-2] in APOSTROPHES and word[-1] in "sS":
            last.append((_element(word[:-2]), end))
        if len(word) > 2 and word[-1] in "sS" and text[end : end + 1] in tuple(APOSTROPHES):
            last.append((_element(word[:-1]), end + 1))
        tokens.append((start, end, element, last))
    return tokens


def find_names(paragraphs, names):
    """[(number, kind, start, end)] for [(number, text)] and {kind: names}: leftmost, then longest."""
    table = spelling_table(names)
    if not table:
        return []
    longest = max(len(spelling) for spelling in table)
    firsts = {spelling[0] for spelling in table}
    found = []
    for number, text in paragraphs:
        tokens = _tokens(text)
        index = 0
        while index < len(tokens):
            hit = (
                _match_at(text, tokens, index, table, longest)
                if tokens[index][2] in firsts or any(element in firsts for element, _ in tokens[index][3])
                else None
            )
            if hit is None:
                index += 1
                continue
            kind, end, used = hit
            found.append((number, kind, tokens[index][0], end))
            index += used
    return found


def _match_at(text, tokens, index, table, longest):
    """The longest spelling starting at tokens[index]: (kind, end, words used), or None."""
    # How many words, from here, are joined as a name's words may be.
    joined = 1
    while joined < longest and index + joined < len(tokens):
        previous, following = tokens[index + joined - 1], tokens[index + joined]
        gap = text[previous[1] : following[0]]
        gap_re = INITIAL_GAP_RE if previous[2][0] == "initial" else WORD_GAP_RE
        if not gap_re.fullmatch(gap):
            break
        joined += 1
    for count in range(joined, 0, -1):
        head = tuple(token[2] for token in tokens[index : index + count - 1])
        for last, end in reversed(tokens[index + count - 1][3]):
            kind = table.get((*head, last))
            if kind is not None:
                return kind, end, count
    return None


def _one_line(text):
    return re.sub(r"\s+", " ", text)


def context_of(text, start, end):
    """About CONTEXT_CHARS characters either side of the match, on one line."""
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    prefix = "…" if start > CONTEXT_CHARS else ""
    suffix = "…" if end + CONTEXT_CHARS < len(text) else ""
    return f"{prefix}{_one_line(before).lstrip()}{_one_line(text[start:end])}{_one_line(after).rstrip()}{suffix}"


def check(version):
    """Record a NameHit for each place the version names someone; returns the hits.

    Runs when the version is stored. Run again, it replaces the hits, keeping any already marked
    as not a person for the same words in the same place.
    """
    from reports.documents import units

    review = version.review
    paragraphs = units(version)
    text_of = dict(paragraphs)
    found = find_names(paragraphs, names_for(review))
    kept = {
        (hit.paragraph, hit.kind, hit.matched): hit
        for hit in version.name_hits.filter(status=NameHit.Status.NOT_A_PERSON)
    }
    hits = []
    for number, kind, start, end in found:
        text = text_of[number]
        matched = _one_line(text[start:end])
        hit = NameHit(
            version=version,
            kind=kind,
            paragraph=number,
            matched=matched,
            context=context_of(text, start, end),
        )
        if (earlier := kept.get((number, kind, matched))) is not None:
            hit.status, hit.reason = earlier.status, earlier.reason
            hit.resolved_by_id, hit.resolved_at = earlier.resolved_by_id, earlier.resolved_at
        hits.append(hit)
    with transaction.atomic():
        version.name_hits.all().delete()
        NameHit.objects.bulk_create(hits)
        version.name_check_at = timezone.now()
        ReportVersion.objects.filter(pk=version.pk).update(name_check_at=version.name_check_at)
    return hits


def open_hits(version):
    return version.name_hits.filter(status=NameHit.Status.OPEN)


def can_circulate(version):
    """Whether the version has been checked and every place it names someone has been dealt with."""
    return version.name_check_at is not None and not open_hits(version).exists()


def kind_label(hit, review=None):
    """What a hit found, in words; for the real name, what it is rather than the name itself."""
    if hit.kind == NameHit.Kind.SUBJECT:
        review = review or hit.version.review
        return f"The real name kept for the {review.subject_word}"
    return hit.get_kind_display()


def mark_not_a_person(hit, *, reason, by, request=None):
    """Record that a hit is not a person (a place, a building, an everyday word), with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why this is not a person", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(f"The reason must be {MAX_REASON_LENGTH} characters or fewer", field="reason")
    with transaction.atomic():
        locked = NameHit.objects.select_for_update().select_related("version__review__partnership").get(pk=hit.pk)
        review = locked.version.review
        refuse_change(locked)
        locked.status = NameHit.Status.NOT_A_PERSON
        locked.reason = reason
        locked.resolved_by = by
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["status", "reason", "resolved_by", "resolved_at"])
        audit.record(
            "report.name_marked_not_a_person",
            request=request,
            actor=by,
            partnership=review.partnership,
            obj=locked,
            review_id=review.pk,
            number=locked.version.number,
            paragraph=locked.paragraph,
            kind=locked.kind,
        )
    return locked


def refuse_change(hit):
    """Raise DomainError if the hit can no longer be marked: the report is signed off, or it is done."""
    if SignOff.objects.filter(review_id=hit.version.review_id).exists():
        raise DomainError("The report has been signed off, so its check cannot change", field="reason")
    if hit.status != NameHit.Status.OPEN:
        raise DomainError("This has already been marked as not a person", field="reason")
