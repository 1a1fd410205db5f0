"""The names check: every place a shared document seems to name a person the review knows about.

Four sets of names are looked for: the real name kept for the child or adult, the invitees of the
review's events, the people nominated for it, and the partnership's practitioner directory (the
apps above gather them: events.names). Every confidential document that is shared (the summary,
the draft report) is checked when each version is stored, and cannot be shared while a place it
names someone is open: each is edited out in a new version, or marked as not a person with a reason.

A name matches as whole words, in any case, with a possessive ("Smith's", "Smiths'"), or as
initials and surname ("A Smith", "A. Smith", "J. A. Smith"). For the real name, the given name
alone and the surname alone match too.

Speed: the text is cut into words once, by one compiled pattern, and each set of names becomes
one table of its spellings; each word then costs a few table look-ups, however many names there
are. (A pattern of a few thousand names' spellings takes the regular-expression compiler longer to
build than the whole check takes this way.)
"""

import re

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from core import audit
from core.crypto import EncryptedTextField
from core.errors import DomainError


class Kind(models.TextChoices):
    SUBJECT = "subject", "The real name kept for the review"
    INVITEE = "invitee", "An invitee"
    PRACTITIONER = "practitioner", "A practitioner in the directory"
    NOMINEE = "nominee", "A nominated person"


class NameHit(models.Model):
    """A place where a version seems to name a person: the version is not shared until each is dealt with.

    Each app's concrete model adds `version`, a foreign key to its versions with related_name="name_hits".
    """

    Kind = Kind

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        NOT_A_PERSON = "not_a_person", "Marked as not a person"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    paragraph = models.PositiveIntegerField()
    matched = EncryptedTextField()
    context = EncryptedTextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["paragraph", "id"]

    def __str__(self):
        return f"Name found in {self.version.unit} {self.paragraph}"


CONTEXT_CHARS = 60
MAX_REASON_LENGTH = 500

# A word: letters, with apostrophes or hyphens inside it ("O'Brien", "Smith-Jones", "Smith's").
WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# What may separate the words of one name: spaces, or after an initial a full stop as well.
WORD_GAP_RE = re.compile(r"\s+")
INITIAL_GAP_RE = re.compile(r"\.\s*|\s+")
APOSTROPHES = "'’"

# When two names overlap, the longer wins; for the same words, the earlier kind here.
KIND_ORDER = (Kind.SUBJECT, Kind.INVITEE, Kind.NOMINEE, Kind.PRACTITIONER)


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
            for spelling in spellings(name, subject=kind == Kind.SUBJECT):
                table[spelling] = kind
    return table


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


def check(version, paragraphs, names):
    """Record a hit for each place the version names someone; returns the hits.

    `paragraphs` is [(number, text)], `names` {kind: names}. Run when the version is stored; run
    again, it replaces the hits, keeping any already marked as not a person for the same words in
    the same place.
    """
    text_of = dict(paragraphs)
    found = find_names(paragraphs, names)
    hit_model = version.name_hits.model
    kept = {
        (hit.paragraph, hit.kind, hit.matched): hit
        for hit in version.name_hits.filter(status=NameHit.Status.NOT_A_PERSON)
    }
    hits = []
    for number, kind, start, end in found:
        text = text_of[number]
        matched = _one_line(text[start:end])
        hit = hit_model(
            version=version, kind=kind, paragraph=number, matched=matched, context=context_of(text, start, end)
        )
        if (earlier := kept.get((number, kind, matched))) is not None:
            hit.status, hit.reason = earlier.status, earlier.reason
            hit.resolved_by_id, hit.resolved_at = earlier.resolved_by_id, earlier.resolved_at
        hits.append(hit)
    with transaction.atomic():
        version.name_hits.all().delete()
        hit_model.objects.bulk_create(hits)
        version.name_check_at = timezone.now()
        type(version).objects.filter(pk=version.pk).update(name_check_at=version.name_check_at)
    return hits


def open_hits(version):
    return version.name_hits.filter(status=NameHit.Status.OPEN)


def passed(version):
    """Whether the version has been checked and every place it names someone has been dealt with."""
    return version.name_check_at is not None and not open_hits(version).exists()


def kind_label(hit, subject_word):
    """What a hit found, in words; for the real name, what it is rather than the name itself."""
    if hit.kind == Kind.SUBJECT:
        return f"The real name kept for the {subject_word}"
    return hit.get_kind_display()


def marked(context, matched):
    """The context cut into (text, is_the_match) pieces, so a template can mark each match."""
    pieces = []
    rest = context
    while matched and (at := rest.find(matched)) >= 0:
        pieces.extend([(rest[:at], False), (matched, True)])
        rest = rest[at + len(matched) :]
    pieces.append((rest, False))
    return [piece for piece in pieces if piece[0]]


def mark_not_a_person(hit, *, reason, by, partnership, action, refuse=None, request=None, **detail):
    """Record that a hit is not a person (a place, a building, an everyday word), with the reason; audited.

    `refuse(locked_hit)` raises DomainError where the app's own rules no longer allow it (signed off).
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why this is not a person", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(f"The reason must be {MAX_REASON_LENGTH} characters or fewer", field="reason")
    with transaction.atomic():
        locked = type(hit).objects.select_for_update().get(pk=hit.pk)
        locked.version = hit.version
        if refuse is not None:
            refuse(locked)
        if locked.status != NameHit.Status.OPEN:
            raise DomainError("This has already been marked as not a person", field="reason")
        locked.status = NameHit.Status.NOT_A_PERSON
        locked.reason = reason
        locked.resolved_by = by
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["status", "reason", "resolved_by", "resolved_at"])
        audit.record(
            action,
            request=request,
            actor=by,
            partnership=partnership,
            obj=locked,
            number=hit.version.number,
            paragraph=locked.paragraph,
            kind=locked.kind,
            **detail,
        )
    return locked
