"""The anonymisation check: the names it finds, where, how fast, and marking a place "not a person"."""

import time
from datetime import date

import pytest

from core.errors import DomainError
from core.models import AuditEntry
from core.names import find_names, open_hits
from events.names import names_for_review
from practitioners.models import Agency, Practitioner
from reports import anonymisation
from reports.anonymisation import can_circulate, mark_not_a_person
from reports.documents import add_version
from reports.models import NameHit, SignOff
from tests.reports.documents import docx, pdf, seed_people, upload

pytestmark = pytest.mark.django_db

Kind = NameHit.Kind

SEEDED = [
    "The review began in March.",
    "Alex Smith lived with their mother.",  # the real name in full
    "Sam Green visited the home twice.",  # an invitee
    "Jo Ann Patel saw the baby at the clinic.",  # in the directory, not invited
    "Morgan Blake taught at the school.",  # nominated by an agency
    "Everyone at Smith's school knew.",  # the real surname, possessive
    "Both Smiths' houses were visited.",  # plural possessive
    "A. Smith was seen by J. A. Patel and by S Green.",  # initials and surname
    "Alex was quiet; the Smith family moved.",  # given name alone, surname alone
    "sam green's notes were brief.",  # any case, possessive
]
CLEAN = [
    "The review began in March.",
    "Child B lived with their mother.",
    "The police officer visited the home twice.",
    "The health visitor saw the baby at the clinic.",
    "Greenwood Road and Smithson Avenue are near the school.",  # longer words are not the names
    "Samantha Greenfield is not anyone here.",
]


@pytest.fixture
def people(review):
    return seed_people(review)


def found(version):
    return [(hit.paragraph, hit.kind, hit.matched) for hit in version.name_hits.order_by("paragraph", "id")]


def test_every_seeded_name_is_found_in_a_word_document(review, reviewer, people):
    version = add_version(review, upload=upload(docx(SEEDED)), created_by=reviewer)

    assert found(version) == [
        (2, Kind.SUBJECT, "Alex Smith"),
        (3, Kind.INVITEE, "Sam Green"),
        (4, Kind.PRACTITIONER, "Jo Ann Patel"),
        (5, Kind.NOMINEE, "Morgan Blake"),
        (6, Kind.SUBJECT, "Smith's"),
        (7, Kind.SUBJECT, "Smiths'"),
        (8, Kind.SUBJECT, "A. Smith"),
        (8, Kind.PRACTITIONER, "J. A. Patel"),
        (8, Kind.INVITEE, "S Green"),
        (9, Kind.SUBJECT, "Alex"),
        (9, Kind.SUBJECT, "Smith"),
        (10, Kind.INVITEE, "sam green's"),
    ]
    assert version.name_check_at is not None
    assert not can_circulate(version)
    assert open_hits(version).count() == 12


def test_a_clean_document_has_no_hits_and_may_be_circulated(review, reviewer, people):
    version = add_version(review, upload=upload(docx(CLEAN)), created_by=reviewer)

    assert found(version) == []
    assert can_circulate(version)


def test_names_in_a_pdf_are_found_by_page(review, reviewer, people):
    version = add_version(
        review,
        upload=upload(pdf(["Nothing here.", "Then Morgan Blake spoke to Alex Smith."]), "d.pdf"),
        created_by=reviewer,
    )

    assert found(version) == [(2, Kind.NOMINEE, "Morgan Blake"), (2, Kind.SUBJECT, "Alex Smith")]


def test_a_name_broken_over_two_lines_is_still_found(review, reviewer, people):
    paragraphs = [(1, "The report by Sam\nGreen and by J.A. Patel.")]

    hits = find_names(paragraphs, names_for_review(review))

    assert [(kind, paragraphs[0][1][start:end]) for _, kind, start, end in hits] == [
        (Kind.INVITEE, "Sam\nGreen"),
        (Kind.PRACTITIONER, "J.A. Patel"),
    ]


def test_initials_must_be_capitals(review, reviewer, people):
    version = add_version(review, upload=upload(docx(["It was a Green Paper, not s Green."])), created_by=reviewer)

    assert found(version) == []


def test_an_invitee_in_the_directory_is_reported_once_as_an_invitee(review, reviewer, people):
    version = add_version(review, upload=upload(docx(["Sam Green agreed."])), created_by=reviewer)

    assert found(version) == [(1, Kind.INVITEE, "Sam Green")]


def test_the_context_is_about_sixty_characters_either_side(review, reviewer, people):
    before = "x" * 100 + " then "
    after = " said that " + "y" * 100
    version = add_version(review, upload=upload(docx([before + "Morgan Blake" + after])), created_by=reviewer)

    hit = version.name_hits.get()
    assert hit.context == "…" + before[-60:] + "Morgan Blake" + after[:60] + "…"


def test_the_real_name_is_named_only_by_its_kind(review, reviewer, people):
    version = add_version(review, upload=upload(docx(["Alex Smith was seen."])), created_by=reviewer)

    hit = version.name_hits.get()
    assert anonymisation.kind_label(hit) == "The real name kept for the child"
    assert "Alex" not in str(list(AuditEntry.objects.values_list("detail", flat=True)))


def test_the_real_name_of_an_adult_is_called_that(review, reviewer, people):
    review.review_type = review.Type.SAR
    review.save()
    version = add_version(review, upload=upload(docx(["Alex Smith was seen."])), created_by=reviewer)

    assert anonymisation.kind_label(version.name_hits.get()) == "The real name kept for the adult"


def test_a_large_directory_and_a_long_report_take_well_under_a_second(review, reviewer, people):
    agency = Agency.objects.get(partnership=review.partnership)
    given = ["Ada", "Ben", "Cara", "Dev", "Ella", "Finn", "Gita", "Hugo", "Isla", "Jack"]
    family = [f"Surname{n:03d}" for n in range(300)]
    Practitioner.objects.bulk_create(
        Practitioner(partnership=review.partnership, full_name=f"{g} {f}", job_title="Nurse", agency=agency)
        for g in given
        for f in family
    )
    sentence = "The agencies shared information about the family, and met to plan what to do next. "
    paragraphs = [sentence * 3 + (f"Ben Surname{n:03d} was there." if n % 20 == 0 else "") for n in range(200)]
    version = add_version(review, upload=upload(docx(paragraphs)), created_by=reviewer)
    assert version.name_hits.count() == 10

    started = time.perf_counter()
    hits = anonymisation.check(version)
    elapsed = time.perf_counter() - started

    assert len(hits) == 10
    assert elapsed < 0.5, f"the check took {elapsed:.2f} s"


# Marking a place as not a person.


@pytest.fixture
def version(review, reviewer, people):
    return add_version(
        review, upload=upload(docx(["Sam Green Court is a street.", "Alex Smith was seen."])), created_by=reviewer
    )


def test_marking_every_hit_not_a_person_lets_the_draft_be_circulated(version, reviewer):
    street, subject = version.name_hits.order_by("paragraph")

    marked = mark_not_a_person(street, reason="The name of a street", by=reviewer)

    assert (marked.status, marked.reason, marked.resolved_by) == (
        NameHit.Status.NOT_A_PERSON,
        "The name of a street",
        reviewer,
    )
    assert marked.resolved_at is not None
    assert not can_circulate(version)
    mark_not_a_person(subject, reason="Quoted with the family's consent", by=reviewer)
    assert can_circulate(version)
    entry = AuditEntry.objects.filter(action="report.name_marked_not_a_person").order_by("id").first()
    assert entry.detail == {"review_id": version.review_id, "number": 1, "paragraph": 1, "kind": "invitee"}
    assert entry.actor == reviewer


def test_a_reason_is_required(version, reviewer):
    hit = version.name_hits.first()

    with pytest.raises(DomainError, match="Enter why this is not a person") as raised:
        mark_not_a_person(hit, reason="   ", by=reviewer)

    assert raised.value.field == "reason"
    hit.refresh_from_db()
    assert hit.status == NameHit.Status.OPEN
    assert not AuditEntry.objects.filter(action="report.name_marked_not_a_person").exists()


def test_a_hit_cannot_be_marked_twice(version, reviewer, business_manager):
    hit = version.name_hits.first()
    mark_not_a_person(hit, reason="A street", by=reviewer)

    with pytest.raises(DomainError, match="already been marked"):
        mark_not_a_person(hit, reason="Something else", by=business_manager)

    hit.refresh_from_db()
    assert (hit.reason, hit.resolved_by) == ("A street", reviewer)


def test_marking_is_refused_after_sign_off(version, reviewer, review):
    SignOff.objects.create(
        review=review, version=version, body="Executive", signed_off_on=date(2027, 1, 5), minute_reference="M1"
    )
    hit = version.name_hits.first()

    with pytest.raises(DomainError, match="signed off"):
        mark_not_a_person(hit, reason="A street", by=reviewer)

    hit.refresh_from_db()
    assert hit.status == NameHit.Status.OPEN


def test_running_the_check_again_keeps_what_was_marked(version, reviewer):
    street = version.name_hits.order_by("paragraph").first()
    mark_not_a_person(street, reason="A street", by=reviewer)

    anonymisation.check(version)

    assert sorted(version.name_hits.values_list("paragraph", "status")) == [
        (1, NameHit.Status.NOT_A_PERSON),
        (2, NameHit.Status.OPEN),
    ]
