"""Retention: a set time after a review closes, what it keeps about people goes, in the database and in storage."""

import json
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from actions.models import Action, ActionUpdate, AgencyLink, Recommendation
from core.links import new_token
from core.models import AuditEntry
from core.retention import AUTOMATIC, REMOVED_EMAIL, REMOVED_NAME
from events.models import Event, FeedbackResponse, Invitation, SummaryVersion
from notifications.models import OutboundMessage
from practitioners.models import Agency, Nomination, NominationRequest, Practitioner
from reports.models import Checker, Circulation, Comment, NameHit, Publication, ReportVersion, SignOff
from reviews import retention, tasks
from reviews.models import Review, ReviewStatusChange

LONDON = ZoneInfo("Europe/London")
# A year and a month after the first review closed (1 June 2025); the partnership keeps data 365 days.
TODAY = datetime(2026, 7, 1, 3, 0, tzinfo=LONDON)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def stored(name, content=b"%PDF-1.7 confidential"):
    return default_storage.save(name, ContentFile(content))


def on_disk(name):
    return (Path(settings.MEDIA_ROOT) / name).exists()


def make_review(partnership, reference, status, closed_on=None):
    review = Review.objects.create(
        partnership=partnership,
        review_type=Review.Type.CSPR,
        reference=reference,
        pseudonym=f"Child {reference[-1]}",
        scope_start=date(2023, 1, 1),
        scope_end=date(2024, 1, 1),
        status=status,
    )
    if closed_on is not None:
        ReviewStatusChange.objects.create(
            review=review,
            from_status=Review.Status.PUBLISHED,
            to_status=Review.Status.CLOSED,
            changed_at=datetime.combine(closed_on, datetime.min.time(), tzinfo=LONDON).replace(hour=15),
        )
    return review


def make_event(review, title="Practitioner event"):
    return Event.objects.create(
        review=review,
        title=title,
        starts_at=datetime(2024, 9, 10, 10, 0, tzinfo=LONDON),
        ends_at=datetime(2024, 9, 10, 13, 0, tzinfo=LONDON),
        capacity=20,
        rsvp_deadline=date(2024, 9, 1),
        status=Event.Status.HELD,
    )


@pytest.fixture
def world(partnership, frozen):
    """A review closed over a year ago with everything a review gathers, and two that must be left alone."""
    police = Agency.objects.create(partnership=partnership, name="Northvale Police")
    sam = Practitioner.objects.create(
        partnership=partnership, full_name="Sam Green", job_title="Detective", agency=police, email="sam@police.example"
    )
    lee = Practitioner.objects.create(
        partnership=partnership, full_name="Lee Patel", job_title="Sergeant", agency=police, email="lee@police.example"
    )
    kim = Practitioner.objects.create(
        partnership=partnership, full_name="Kim Ward", job_title="Inspector", agency=police, email="kim@police.example"
    )
    bystander = Practitioner.objects.create(
        partnership=partnership, full_name="Jo Bell", job_title="Constable", agency=police, email="jo@police.example"
    )

    old = make_review(partnership, "CSPR 2024-1", Review.Status.CLOSED, closed_on=date(2025, 6, 1))
    event = make_event(old)
    sam_invite = Invitation.objects.create(
        event=event,
        practitioner=sam,
        status=Invitation.Status.DECLINED,
        token_hash=new_token()[1],
        token_expires_at=TODAY - timedelta(days=300),
        decline_reason="On leave after surgery",
        suggested_colleague_name="Lee Patel",
        suggested_colleague_email="lee@police.example",
    )
    lee_invite = Invitation.objects.create(
        event=event,
        practitioner=lee,
        status=Invitation.Status.ACCEPTED,
        token_hash=new_token()[1],
        token_expires_at=TODAY - timedelta(days=300),
        access_needs="Hearing loop",
        attendance="attended",
    )
    OutboundMessage.objects.create(
        partnership=partnership,
        about_type="events.invitation",
        about_id=sam_invite.pk,
        kind="invitation",
        idempotency_key="invitation:old",
        recipient="sam@police.example",
        subject="Practitioner event for CSPR 2024-1",
        body_text="Dear Sam Green",
        state=OutboundMessage.State.SENT,
        sent_at=TODAY - timedelta(days=700),
    )
    FeedbackResponse.objects.create(event=event, safe_space="yes", felt_heard="partly", what_would_help="More time")
    summary_file = stored("summaries/summary-one.pdf")
    SummaryVersion.objects.create(
        event=event, number=1, source=SummaryVersion.Source.PDF, file=summary_file, original_filename="Child 1.pdf"
    )
    SummaryVersion.objects.create(
        event=event, number=2, source=SummaryVersion.Source.WRITTEN, body_html="<p>What is known so far</p>"
    )
    factsheet = stored(f"factsheets/event-{event.pk}-s0-v1-abcdef123456.pdf")

    draft_file = stored("reports/draft-one.pdf")
    final_file = stored("reports/final.pdf")
    draft = ReportVersion.objects.create(
        review=old, number=1, source="pdf", file=draft_file, original_filename="draft.pdf", body_html="<p>Draft</p>"
    )
    final = ReportVersion.objects.create(
        review=old, number=2, source="pdf", file=final_file, original_filename="final.pdf", body_html="<p>Final</p>"
    )
    NameHit.objects.create(version=draft, kind="invitee", paragraph=3, matched="Sam Green", context="Sam Green said")
    circulation = Circulation.objects.create(
        review=old, version=draft, working_days=10, deadline=date(2025, 3, 1), closed_at=TODAY - timedelta(days=500)
    )
    checker = Checker.objects.create(
        circulation=circulation,
        role=Checker.Role.ATTENDEE,
        name="Sam Green",
        email="sam@police.example",
        practitioner=sam,
        token_hash=new_token()[1],
        token_expires_at=TODAY - timedelta(days=300),
        responded_at=TODAY - timedelta(days=520),
    )
    Comment.objects.create(
        checker=checker,
        paragraph=3,
        text="I was not the officer on duty",
        correction="It was the night shift",
        response="amended",
        response_text="Paragraph 3 now names the shift, not the officer.",
    )
    SignOff.objects.create(
        review=old, version=final, body="Executive", signed_off_on=date(2025, 4, 1), minute_reference="EX/25/4"
    )
    Publication.objects.create(review=old, state="published", slug="child-1", published_at=TODAY - timedelta(days=450))

    recommendation = Recommendation.objects.create(review=old, number=1, text="Train staff.")
    action = Action.objects.create(
        recommendation=recommendation,
        description="Run training.",
        agency=police,
        lead_name="Training lead",
        created_on=date(2025, 4, 2),
        due_date=date(2025, 5, 1),
        status=Action.Status.COMPLETE,
    )
    evidence = stored("evidence/attendance-list.pdf")
    ActionUpdate.objects.create(
        action=action,
        text="Done.",
        status="complete",
        rag="green",
        evidence=evidence,
        evidence_filename="attendance list.pdf",
        author_name="Pat Lead",
    )
    AgencyLink.objects.create(
        review=old,
        agency=police,
        name="Pat Lead",
        email="pat@police.example",
        token_hash=new_token()[1],
        token_expires_at=TODAY - timedelta(days=300),
    )
    request = NominationRequest.objects.create(
        review=old,
        agency=police,
        token_hash=new_token()[1],
        token_expires_at=TODAY - timedelta(days=600),
        deadline=date(2024, 8, 1),
    )
    Nomination.objects.create(
        request=request,
        full_name="Kim Ward",
        job_title="Inspector",
        email="kim@police.example",
        involvement="Led the first response",
        practitioner=kim,
        status="accepted",
    )

    # Closed 200 days ago: still within the 365 days. Lee was at its event too.
    recent = make_review(partnership, "CSPR 2025-2", Review.Status.CLOSED, closed_on=date(2025, 12, 13))
    recent_event = make_event(recent)
    recent_invite = Invitation.objects.create(
        event=recent_event,
        practitioner=lee,
        token_hash=new_token()[1],
        token_expires_at=TODAY + timedelta(days=300),
        access_needs="Hearing loop",
    )
    recent_factsheet = stored(f"factsheets/event-{recent_event.pk}-s0-v1-abcdef123456.pdf")
    # Still open.
    current = make_review(partnership, "CSPR 2026-3", Review.Status.DRAFTING)
    current_event = make_event(current)
    current_invite = Invitation.objects.create(
        event=current_event,
        practitioner=bystander,
        token_hash=new_token()[1],
        token_expires_at=TODAY + timedelta(days=300),
        decline_reason="Clash",
    )
    current_summary = stored("summaries/current.pdf")
    SummaryVersion.objects.create(event=current_event, number=1, source="pdf", file=current_summary)
    return {
        "old": old,
        "recent": recent,
        "current": current,
        "event": event,
        "sam": sam,
        "lee": lee,
        "kim": kim,
        "bystander": bystander,
        "sam_invite": sam_invite,
        "lee_invite": lee_invite,
        "recent_invite": recent_invite,
        "current_invite": current_invite,
        "checker": checker,
        "final": final,
        "purged_files": [summary_file, factsheet, draft_file, evidence],
        "kept_files": [final_file, recent_factsheet, current_summary],
    }


def run_command(*args):
    out = StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Everything the purge could change, to show a dry run changes none of it."""
    models = [
        Invitation,
        OutboundMessage,
        SummaryVersion,
        ReportVersion,
        NameHit,
        Checker,
        Comment,
        ActionUpdate,
        AgencyLink,
        Nomination,
        NominationRequest,
        Practitioner,
        AuditEntry,
    ]
    return {model.__name__: sorted(map(str, model.objects.values_list())) for model in models}


@pytest.mark.django_db
def test_dry_run_reports_counts_and_changes_nothing(world):
    before = snapshot()
    output = run_command("--dry-run")
    assert "The next run would remove:" in output
    assert (
        # Each app's counts in the order of the review's story (docs/architecture.md), stored files last.
        "CSPR 2024-1 (Child 1), closed on 1 June 2025: 1 nomination, 1 nomination link, "
        "2 invitations with personal details or a link, 1 email to an invitee, 2 summary versions, "
        "1 draft report version, 1 name found by the anonymisation check, 1 person asked to check the draft, "
        "1 factual-accuracy comment, 1 action update with evidence or a name, 1 agency action-plan link, "
        "4 stored files"
    ) in output
    assert "Directory practitioners: 1 deleted, 1 anonymised" in output
    assert "CSPR 2025-2" not in output and "CSPR 2026-3" not in output
    assert "Sam" not in output and "Kim" not in output
    assert "nothing has changed" in output
    assert snapshot() == before
    assert all(on_disk(name) for name in world["purged_files"] + world["kept_files"])


@pytest.mark.django_db
def test_the_run_removes_personal_data_and_files_and_a_second_run_does_nothing(world):
    output = run_command()
    assert "Removed:" in output and "CSPR 2024-1 (Child 1)" in output

    sam_invite, lee_invite = (
        Invitation.objects.get(pk=world["sam_invite"].pk),
        Invitation.objects.get(pk=world["lee_invite"].pk),
    )
    for invitation in (sam_invite, lee_invite):
        assert invitation.token_hash is None
        assert invitation.token_revoked_at is not None
        assert (invitation.decline_reason, invitation.access_needs, invitation.suggested_colleague_name) == ("", "", "")
        assert invitation.suggested_colleague_email == ""
    assert lee_invite.attendance == "attended"  # the register stays; the person is no longer named
    message = OutboundMessage.objects.get(idempotency_key="invitation:old")
    assert (message.recipient, message.body_text) == (REMOVED_EMAIL, "")

    versions = SummaryVersion.objects.filter(event=world["event"]).order_by("number")
    assert [(v.file.name, v.body_html, v.original_filename) for v in versions] == [("", "", ""), ("", "", "")]
    draft, final = ReportVersion.objects.filter(review=world["old"]).order_by("number")
    assert (draft.file.name, draft.body_html) == ("", "")
    assert final.file.name and final.body_html == "<p>Final</p>" and final.original_filename == "final.pdf"
    assert Publication.objects.get(review=world["old"]).state == "published"
    assert SignOff.objects.get(review=world["old"]).version == final
    hit = NameHit.objects.get(version=draft)
    assert (hit.matched, hit.context) == ("", "")

    checker = Checker.objects.get(pk=world["checker"].pk)
    assert checker.name == REMOVED_NAME
    assert checker.email.endswith("@removed.invalid")
    assert (checker.token_hash, checker.practitioner) == (None, None)
    comment = Comment.objects.get(checker=checker)
    assert (comment.text, comment.correction) == ("", "")
    assert comment.response_text == "Paragraph 3 now names the shift, not the officer."

    update = ActionUpdate.objects.get()
    assert (update.evidence.name, update.evidence_filename, update.author_name) == ("", "", REMOVED_NAME)
    assert update.text == "Done."
    link = AgencyLink.objects.get(review=world["old"])
    assert (link.name, link.email, link.token_hash) == (REMOVED_NAME, REMOVED_EMAIL, None)
    nomination = Nomination.objects.get()
    assert (nomination.full_name, nomination.email, nomination.involvement) == (
        REMOVED_NAME,
        REMOVED_EMAIL,
        "",
    )
    request = NominationRequest.objects.get(review=world["old"])
    assert request.token_hash is None and request.token_revoked_at is not None
    assert FeedbackResponse.objects.get().what_would_help == "More time"

    # Sam is still pointed at by an invitation: anonymised. Kim only by the nomination: deleted.
    # Lee is also in a review still within its retention period, and Jo in an open one: untouched.
    sam = Practitioner.objects.get(pk=world["sam"].pk)
    assert (sam.full_name, sam.email, sam.job_title) == (REMOVED_NAME, "", "")
    assert not Practitioner.objects.filter(pk=world["kim"].pk).exists()
    assert Practitioner.objects.get(pk=world["lee"].pk).email == "lee@police.example"
    assert Practitioner.objects.get(pk=world["bystander"].pk).full_name == "Jo Bell"

    assert not any(on_disk(name) for name in world["purged_files"])
    assert all(on_disk(name) for name in world["kept_files"])

    purged = AuditEntry.objects.get(action="retention.review_purged")
    assert purged.object_id == str(world["old"].pk)
    assert purged.actor_label == AUTOMATIC
    assert purged.detail["invitations"] == 2 and purged.detail["files"] == 4
    practitioners = AuditEntry.objects.get(action="retention.practitioners_removed")
    assert practitioners.detail == {"deleted": 1, "anonymised": 1}
    logged = json.dumps([purged.detail, practitioners.detail])
    assert not any(name in logged for name in ("Sam", "Kim", "Lee", "police.example"))

    after_first = snapshot()
    assert run_command() == "Nothing to remove.\n"
    assert run_command("--dry-run") == "Nothing to remove.\n"
    assert snapshot() == after_first


@pytest.mark.django_db
def test_reviews_closed_recently_or_still_open_are_untouched(world):
    retention.run()
    recent = Invitation.objects.get(pk=world["recent_invite"].pk)
    assert recent.token_hash and recent.access_needs == "Hearing loop"
    current = Invitation.objects.get(pk=world["current_invite"].pk)
    assert current.token_hash and current.decline_reason == "Clash"
    assert SummaryVersion.objects.get(event__review=world["current"]).file.name
    assert not AuditEntry.objects.filter(object_id__in=[world["recent"].pk, world["current"].pk]).exists()


@pytest.mark.django_db
def test_the_recent_review_goes_once_its_own_period_ends(world, partnership):
    partnership.retention_days = 180
    partnership.save()
    results = retention.run()
    assert [purge.review for result in results for purge in result.reviews] == [world["old"], world["recent"]]
    lee = Practitioner.objects.get(pk=world["lee"].pk)
    assert lee.full_name == REMOVED_NAME
    assert Practitioner.objects.get(pk=world["bystander"].pk).full_name == "Jo Bell"


@pytest.mark.django_db
def test_the_day_before_the_period_ends_nothing_goes(world):
    with time_machine.travel(datetime(2026, 5, 31, 23, 0, tzinfo=LONDON), tick=False):
        assert retention.run() == []
    with time_machine.travel(datetime(2026, 6, 1, 2, 0, tzinfo=LONDON), tick=False):
        assert [p.review for r in retention.run() for p in r.reviews] == [world["old"]]


@pytest.mark.django_db
def test_the_daily_task_runs_the_purge(world):
    assert "apply-retention" in settings.CELERY_BEAT_SCHEDULE
    tasks.apply_retention.delay()
    assert AuditEntry.objects.filter(action="retention.review_purged").count() == 1
    assert Invitation.objects.get(pk=world["sam_invite"].pk).token_hash is None
