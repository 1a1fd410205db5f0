"""The action plan's services: recommendations, actions, progress updates and evidence, and every refusal."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from actions import services
from actions.models import Action, ActionUpdate, Recommendation
from core.errors import DomainError
from core.models import AuditEntry
from core.uploads import MAX_UPLOAD_BYTES
from reviews.models import Review
from tests.actions.conftest import (
    DUE,
    action_data,
    make_docx,
    make_jpeg,
    make_office,
    make_pdf,
    make_png,
    make_xlsx,
    upload,
)

pytestmark = pytest.mark.django_db


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# Recommendations.


def test_recommendations_are_numbered_in_turn_per_review(review, business_manager, partnership):
    first = services.add_recommendation(review, text="First", by=business_manager)
    second = services.add_recommendation(review, text="  Second  ", by=business_manager)
    other = Review.objects.create(
        partnership=partnership,
        review_type="sar",
        reference="SAR 2026-02",
        pseudonym="Adult C",
        scope_start="2024-01-01",
        scope_end="2024-12-31",
        status=Review.Status.PUBLISHED,
    )
    elsewhere = services.add_recommendation(other, text="Elsewhere", by=business_manager)
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    assert second.text == "Second"
    assert AuditEntry.objects.filter(action="recommendation.added").count() == 3


def test_a_recommendation_can_be_reworded_and_is_audited(recommendation, business_manager):
    services.edit_recommendation(recommendation, text="Reworded", by=business_manager)
    recommendation.refresh_from_db()
    assert recommendation.text == "Reworded"
    assert AuditEntry.objects.filter(action="recommendation.changed", object_id=str(recommendation.pk)).exists()


@pytest.mark.parametrize("status", ["scoping", "drafting", "awaiting_sign_off"])
def test_nothing_is_added_before_the_review_is_signed_off(review, business_manager, police, status):
    review.status = status
    review.save(update_fields=["status"])
    with pytest.raises(DomainError, match="once the review is signed off"):
        services.add_recommendation(review, text="Too early", by=business_manager)
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize("status", ["signed_off", "published", "closed"])
def test_the_plan_is_open_once_signed_off_and_after(review, business_manager, status):
    review.status = status
    review.save(update_fields=["status"])
    assert services.add_recommendation(review, text="In time", by=business_manager).number == 1


# Actions.


def test_an_action_is_added_with_its_creation_day_and_audited(recommendation, police, business_manager):
    action = services.add_action(
        recommendation, data=action_data(police, lead_email="Sam@Police.Example"), by=business_manager
    )
    assert action.created_on == timezone.localdate()
    assert action.due_date == DUE
    assert action.status == Action.Status.NOT_STARTED
    assert action.lead_email == "sam@police.example"
    entry = AuditEntry.objects.get(action="action.added")
    assert entry.detail["agency_id"] == police.pk and entry.actor == business_manager


def test_a_due_date_before_the_day_it_was_added_is_refused(recommendation, police, business_manager):
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(DomainError, match="due date must be on or after") as refused:
        services.add_action(recommendation, data=action_data(police, due_date=yesterday), by=business_manager)
    assert refused.value.field == "due_date"
    assert not Action.objects.exists()
    assert not AuditEntry.objects.filter(action="action.added").exists()


def test_editing_keeps_the_due_date_on_or_after_the_creation_day(police_action, police, business_manager):
    Action.objects.filter(pk=police_action.pk).update(created_on=timezone.localdate() - timedelta(days=30))
    police_action.refresh_from_db()
    earlier = timezone.localdate() - timedelta(days=10)
    services.edit_action(police_action, data=action_data(police, due_date=earlier), by=business_manager)
    police_action.refresh_from_db()
    assert police_action.due_date == earlier
    too_early = police_action.created_on - timedelta(days=1)
    with pytest.raises(DomainError, match="due date must be on or after"):
        services.edit_action(police_action, data=action_data(police, due_date=too_early), by=business_manager)
    police_action.refresh_from_db()
    assert police_action.due_date == earlier
    assert AuditEntry.objects.get(action="action.changed").detail["fields"] == ["due_date"]


def test_an_agency_of_another_partnership_is_refused(recommendation, police_action, foreign_agency, business_manager):
    with pytest.raises(DomainError, match="your partnership's agencies") as refused:
        services.add_action(recommendation, data=action_data(foreign_agency), by=business_manager)
    assert refused.value.field == "agency"
    with pytest.raises(DomainError, match="your partnership's agencies"):
        services.edit_action(police_action, data=action_data(foreign_agency), by=business_manager)
    assert list(Action.objects.values_list("agency_id", flat=True)) == [police_action.agency_id]


def test_actions_cannot_be_added_before_sign_off(recommendation, police, business_manager, review):
    Review.objects.filter(pk=review.pk).update(status=Review.Status.AWAITING_SIGN_OFF)
    with pytest.raises(DomainError, match="once the review is signed off"):
        services.add_action(recommendation, data=action_data(police), by=business_manager)
    assert not Action.objects.exists()


# Progress updates.


def test_an_update_sets_status_and_rag_and_complete_sets_the_completion_day(police_action, business_manager):
    services.add_update(police_action, text="Briefings booked", status="in_progress", rag="green", by=business_manager)
    police_action.refresh_from_db()
    assert (police_action.status, police_action.rag, police_action.completed_on) == ("in_progress", "green", None)

    services.add_update(police_action, text="All teams briefed", status="complete", rag="green", by=business_manager)
    police_action.refresh_from_db()
    assert police_action.status == "complete" and police_action.completed_on == timezone.localdate()

    services.add_update(police_action, text="One team missed", status="in_progress", rag="amber", by=business_manager)
    police_action.refresh_from_db()
    assert police_action.completed_on is None

    entries = AuditEntry.objects.filter(action="action.progress_added")
    assert entries.count() == 3
    # The audit log records facts, never the update's words.
    assert all("briefed" not in str(entry.detail) for entry in entries)


def test_update_text_is_encrypted_at_rest(police_action, business_manager):
    from django.db import connection

    update = services.add_update(
        police_action, text="Briefings booked", status="in_progress", rag="green", by=business_manager
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM actions_actionupdate WHERE id = %s", [update.pk])
        (raw,) = cursor.fetchone()
    assert "Briefings" not in raw
    assert ActionUpdate.objects.get().text == "Briefings booked"


@pytest.mark.parametrize(
    ("content", "name", "extension"),
    [
        (make_pdf, "record.pdf", "pdf"),
        (make_docx, "policy.docx", "docx"),
        (make_xlsx, "audit.xlsx", "xlsx"),
        (make_png, "poster.png", "png"),
        (make_jpeg, "photo.jpeg", "jpg"),
        # The name does not decide: a PNG called .pdf is stored as the PNG it is.
        (make_png, "misnamed.pdf", "png"),
    ],
)
def test_evidence_of_each_allowed_kind_is_stored_under_a_generated_name(
    police_action, business_manager, settings, content, name, extension
):
    update = services.add_update(
        police_action,
        text="Evidence attached",
        status="in_progress",
        rag="green",
        evidence_file=upload(content(), name),
        by=business_manager,
    )
    assert update.evidence_filename == name
    stored = Path(update.evidence.name)
    assert stored.parent.name == "evidence" and stored.suffix == f".{extension}"
    assert len(stored.stem) == 36 and name.split(".")[0] not in stored.name  # a uuid, not the uploaded name
    assert len(stored_files(settings)) == 1


HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (HTML_AS_PDF, "report.pdf", "must be a PDF, a Word document"),
        (b"%PDF-1.7 this is not really a PDF", "broken.pdf", "cannot be read"),
        (b"\x89PNG\r\n\x1a\nnot an image at all", "fake.png", "cannot be opened"),
        (make_office("word/document.xml", "word/vbaProject.bin"), "macros.docx", "macros"),
        (make_office("content.xml"), "other.docx", "must be a PDF, a Word document"),
        (b"MZ\x90\x00executable", "tool.xlsx", "must be a PDF, a Word document"),
        (b"", "empty.pdf", "empty"),
    ],
)
def test_evidence_of_the_wrong_kind_is_refused_and_nothing_changes(
    police_action, business_manager, settings, content, name, message
):
    with pytest.raises(DomainError, match=message) as refused:
        services.add_update(
            police_action,
            text="Evidence attached",
            status="complete",
            rag="green",
            evidence_file=upload(content, name),
            by=business_manager,
        )
    assert refused.value.field == "evidence"
    police_action.refresh_from_db()
    assert police_action.status == "not_started" and police_action.completed_on is None
    assert not ActionUpdate.objects.exists()
    assert not stored_files(settings)
    assert not AuditEntry.objects.filter(action="action.progress_added").exists()


def test_a_pdf_with_a_script_is_refused(police_action, business_manager):
    from tests.events.test_summary_documents import with_open_action_javascript

    with pytest.raises(DomainError, match="scripts"):
        services.add_update(
            police_action,
            text="x",
            status="in_progress",
            rag="green",
            evidence_file=upload(with_open_action_javascript()),
            by=business_manager,
        )
    assert not ActionUpdate.objects.exists()


def test_evidence_over_10_mb_is_refused(police_action, business_manager, settings):
    too_big = make_pdf() + b"\0" * (MAX_UPLOAD_BYTES + 1)
    with pytest.raises(DomainError, match="smaller than 10 MB"):
        services.add_update(
            police_action,
            text="x",
            status="in_progress",
            rag="green",
            evidence_file=upload(too_big),
            by=business_manager,
        )
    assert not ActionUpdate.objects.exists() and not stored_files(settings)


def test_an_update_needs_text_and_a_known_status(police_action, business_manager):
    with pytest.raises(DomainError, match="Enter what has happened"):
        services.add_update(police_action, text="  ", status="in_progress", rag="green", by=business_manager)
    with pytest.raises(DomainError, match="status"):
        services.add_update(police_action, text="x", status="finished", rag="green", by=business_manager)
    assert not ActionUpdate.objects.exists()
