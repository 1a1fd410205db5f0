"""A reviewer's private notes: only the review's reviewers reach them, encrypted, and every touch audited."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.contrib import admin
from django.db import connection
from django.urls import reverse

from core.models import AuditEntry, Membership, User
from events import note_deletion, tasks
from events.models import ReviewerNote
from events.notes import can_keep_notes
from notifications.models import OutboundMessage
from reviews.models import Review, ReviewStatusChange
from tests.conftest import make_staff
from tests.events.conftest import LONDON, REAL_NAME

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Thoughts after the health visitor"
SECRET_BODY = "The GP seemed unsure about the referral in March."


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def note(review, reviewer):
    return ReviewerNote.objects.create(review=review, author=reviewer, title=SECRET_TITLE, body=SECRET_BODY)


@pytest.fixture
def event_note(review, event, reviewer):
    return ReviewerNote.objects.create(review=review, event=event, author=reviewer, title="", body="On the day.")


def note_urls(partnership, review, event, note):
    slug = partnership.slug
    return [
        reverse("events:review_notes", args=[slug, review.pk]),
        reverse("events:review_note_add", args=[slug, review.pk]),
        reverse("events:event_notes", args=[slug, event.pk]),
        reverse("events:event_note_add", args=[slug, event.pk]),
        reverse("events:note_detail", args=[slug, note.pk]),
        reverse("events:note_edit", args=[slug, note.pk]),
        reverse("events:note_delete", args=[slug, note.pk]),
    ]


def actions():
    return list(AuditEntry.objects.filter(action__startswith="note.").order_by("id").values_list("action", flat=True))


def test_the_reviewer_lists_the_reviews_notes_and_the_read_is_audited(reviewer_client, partnership, review, note):
    response = reviewer_client.get(reverse("events:review_notes", args=[partnership.slug, review.pk]))

    assert response.status_code == 200
    assert SECRET_TITLE in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    entry = AuditEntry.objects.get(action="note.viewed")
    assert entry.object_type == "reviews.Review"
    assert entry.object_id == str(review.pk)
    assert entry.detail == {"note_ids": [note.pk]}


def test_the_event_list_shows_only_that_events_notes(reviewer_client, partnership, review, event, note, event_note):
    response = reviewer_client.get(reverse("events:event_notes", args=[partnership.slug, event.pk]))

    assert response.status_code == 200
    assert list(response.context["notes"]) == [event_note]
    entry = AuditEntry.objects.get(action="note.viewed")
    assert (entry.object_type, entry.object_id) == ("events.Event", str(event.pk))


def test_the_reviewer_adds_a_note_to_the_review(reviewer_client, reviewer, partnership, review):
    response = reviewer_client.post(
        reverse("events:review_note_add", args=[partnership.slug, review.pk]), {"title": "", "body": SECRET_BODY}
    )

    note = ReviewerNote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:note_detail", args=[partnership.slug, note.pk])
    assert (note.review, note.event, note.author, note.title, note.body) == (review, None, reviewer, "", SECRET_BODY)
    entry = AuditEntry.objects.get(action="note.created")
    assert entry.actor == reviewer
    assert entry.object_id == str(note.pk)
    assert entry.detail == {"review_id": review.pk, "event_id": None}


def test_the_reviewer_adds_a_note_to_an_event(reviewer_client, partnership, review, event):
    reviewer_client.post(
        reverse("events:event_note_add", args=[partnership.slug, event.pk]),
        {"title": SECRET_TITLE, "body": SECRET_BODY},
    )

    note = ReviewerNote.objects.get()
    assert (note.review, note.event, note.title) == (review, event, SECRET_TITLE)


def test_a_note_needs_its_text(reviewer_client, partnership, review):
    response = reviewer_client.post(
        reverse("events:review_note_add", args=[partnership.slug, review.pk]), {"title": "x"}
    )

    assert response.status_code == 200
    assert "Enter the note" in response.content.decode()
    assert not ReviewerNote.objects.exists()
    assert not AuditEntry.objects.filter(action="note.created").exists()


def test_notes_are_encrypted_in_the_database(reviewer_client, partnership, review):
    reviewer_client.post(
        reverse("events:review_note_add", args=[partnership.slug, review.pk]),
        {"title": SECRET_TITLE, "body": SECRET_BODY},
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT title, body FROM events_reviewernote")
        title, body = cursor.fetchone()
    assert SECRET_TITLE not in title
    assert SECRET_BODY not in body
    assert body.startswith("gAAAAA")


def test_opening_a_note_is_audited(reviewer_client, reviewer, partnership, review, note):
    response = reviewer_client.get(reverse("events:note_detail", args=[partnership.slug, note.pk]))

    assert response.status_code == 200
    assert SECRET_BODY in response.content.decode()
    entry = AuditEntry.objects.get(action="note.viewed")
    assert (entry.actor, entry.object_type, entry.object_id) == (reviewer, "events.ReviewerNote", str(note.pk))


def test_the_reviewer_changes_a_note(reviewer_client, partnership, note):
    url = reverse("events:note_edit", args=[partnership.slug, note.pk])
    assert SECRET_BODY in reviewer_client.get(url).content.decode()

    response = reviewer_client.post(url, {"title": "New title", "body": "New text"})

    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.title, note.body) == ("New title", "New text")
    assert actions() == ["note.viewed", "note.updated"]


def test_the_reviewer_deletes_a_note(reviewer_client, partnership, review, note):
    url = reverse("events:note_delete", args=[partnership.slug, note.pk])
    assert reviewer_client.get(url).status_code == 200
    assert ReviewerNote.objects.exists()

    response = reviewer_client.post(url)

    assert response["Location"] == reverse("events:review_notes", args=[partnership.slug, review.pk])
    assert not ReviewerNote.objects.exists()
    entry = AuditEntry.objects.get(action="note.deleted")
    assert entry.object_id == str(note.pk)


def test_deleting_an_event_note_goes_back_to_the_events_notes(reviewer_client, partnership, event, event_note):
    response = reviewer_client.post(reverse("events:note_delete", args=[partnership.slug, event_note.pk]))

    assert response["Location"] == reverse("events:event_notes", args=[partnership.slug, event.pk])


def test_a_second_reviewer_of_the_review_shares_its_notes(client, partnership, review, note, unassigned_reviewer):
    review.reviewers.add(unassigned_reviewer)
    client.force_login(unassigned_reviewer)

    assert client.get(reverse("events:note_detail", args=[partnership.slug, note.pk])).status_code == 200


def refused(client, partnership, review, event, note):
    """Every notes URL, by GET and by POST, answers 404 and nothing changes."""
    for url in note_urls(partnership, review, event, note):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"title": "x", "body": "y"}).status_code == 404, url
    assert ReviewerNote.objects.get() == note
    assert (note.title, note.body) == (SECRET_TITLE, SECRET_BODY)
    assert not AuditEntry.objects.filter(action__startswith="note.").exists()
    return True


def test_the_business_manager_gets_404(bm_client, partnership, review, event, note):
    assert refused(bm_client, partnership, review, event, note)


def test_a_superuser_gets_404(client, partnership, review, event, note):
    admin_user = make_staff("admin@convene.example", "Service Admin", None, None)
    User.objects.filter(pk=admin_user.pk).update(is_superuser=True, is_staff=True)
    client.force_login(admin_user)
    assert refused(client, partnership, review, event, note)


def test_a_reviewer_not_assigned_gets_404(client, partnership, review, event, note, unassigned_reviewer):
    client.force_login(unassigned_reviewer)
    assert refused(client, partnership, review, event, note)


def test_an_outsider_gets_404(client, partnership, review, event, note, outsider):
    client.force_login(outsider)
    assert refused(client, partnership, review, event, note)


def test_an_assigned_reviewer_removed_from_the_partnership_gets_404(
    reviewer_client, reviewer, partnership, review, event, note
):
    Membership.objects.filter(user=reviewer).delete()
    assert refused(reviewer_client, partnership, review, event, note)


def test_the_reviewer_gets_404_under_another_partnerships_address(
    reviewer_client, reviewer, partnership, other_partnership, review, event, note
):
    Membership.objects.create(user=reviewer, partnership=other_partnership, role=Membership.Role.REVIEWER)
    assert refused(reviewer_client, other_partnership, review, event, note)


def test_signed_out_visitors_are_sent_to_sign_in(client, partnership, review, event, note):
    for url in note_urls(partnership, review, event, note):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_admin_does_not_register_notes():
    assert not admin.site.is_registered(ReviewerNote)


# Deletion after sign-off -------------------------------------------------------------------------


def sign_off(review, on):
    """Record that the review reached sign-off at 3pm UK time on the given day."""
    with time_machine.travel(datetime.combine(on, time(15, 0), tzinfo=LONDON), tick=False):
        ReviewStatusChange.objects.create(review=review, from_status="awaiting_sign_off", to_status="signed_off")
        Review.objects.filter(pk=review.pk).update(status=Review.Status.SIGNED_OFF)


def sweep(day, hour=2):
    """Run the daily sweep at the given day and time in the UK."""
    with time_machine.travel(datetime.combine(day, time(hour, 0), tzinfo=LONDON), tick=False):
        return note_deletion.run()


def warnings():
    return OutboundMessage.objects.filter(kind="notes_deletion_warning")


SIGNED_OFF_ON = date(2027, 3, 1)
# The partnership's defaults: deleted 30 days after sign-off, with 7 days' warning.
DELETE_ON = date(2027, 3, 31)
WARN_ON = date(2027, 3, 24)


def test_the_defaults_the_dates_below_rely_on(partnership):
    assert (partnership.notes_deletion_days, partnership.notes_deletion_warning_days) == (30, 7)


def test_nothing_happens_before_the_warning_day(review, note, event_note):
    sign_off(review, SIGNED_OFF_ON)

    for day in (SIGNED_OFF_ON, WARN_ON - timedelta(days=1)):
        assert sweep(day, hour=23) == (0, 0)

    assert not warnings().exists()
    assert ReviewerNote.objects.count() == 2


def test_each_reviewer_is_warned_once_on_the_warning_day(review, reviewer, unassigned_reviewer, note):
    review.reviewers.add(unassigned_reviewer)
    sign_off(review, SIGNED_OFF_ON)

    assert sweep(WARN_ON) == (2, 0)
    assert sweep(WARN_ON, hour=14) == (0, 0)
    assert sweep(WARN_ON + timedelta(days=3)) == (0, 0)

    assert sorted(warnings().values_list("recipient", flat=True)) == [
        "nadia@northvale.example",
        "reviewer@northvale.example",
    ]
    message = warnings().get(recipient=reviewer.email)
    assert message.idempotency_key == f"notes-warning:{review.pk}:{reviewer.pk}:20270331"
    assert message.subject == "Your notes for CSPR 2026/01 (Child A) will be deleted on 31 March 2027"
    assert "31 March 2027" in message.body_text
    for text in (message.subject, message.body_text, message.body_html):
        assert REAL_NAME not in text
        assert SECRET_TITLE not in text
        assert SECRET_BODY not in text
    assert ReviewerNote.objects.exists()


def test_a_reviewer_who_has_left_the_partnership_is_not_emailed(review, reviewer, note):
    Membership.objects.filter(user=reviewer).delete()
    sign_off(review, SIGNED_OFF_ON)

    assert sweep(WARN_ON) == (0, 0)
    assert not warnings().exists()


def test_the_notes_are_deleted_on_the_day_with_one_audit_entry(review, note, event_note):
    sign_off(review, SIGNED_OFF_ON)

    assert sweep(DELETE_ON - timedelta(days=1), hour=23)[1] == 0
    assert ReviewerNote.objects.count() == 2

    assert sweep(DELETE_ON, hour=0) == (0, 2)

    assert not ReviewerNote.objects.exists()
    entry = AuditEntry.objects.get(action="notes.deleted_after_sign_off")
    assert (entry.partnership, entry.actor, entry.object_id) == (review.partnership, None, str(review.pk))
    assert entry.actor_label == note_deletion.AUTOMATIC
    assert entry.detail == {"count": 2}
    assert sweep(DELETE_ON + timedelta(days=1)) == (0, 0)
    assert AuditEntry.objects.filter(action="notes.deleted_after_sign_off").count() == 1


def test_a_missed_day_still_deletes_without_warning_again(review, note):
    sign_off(review, SIGNED_OFF_ON)
    sweep(WARN_ON)

    assert sweep(DELETE_ON + timedelta(days=10)) == (0, 1)
    assert warnings().count() == 1


def test_the_partnerships_own_periods_are_used(partnership, review, note):
    partnership.notes_deletion_days = 10
    partnership.notes_deletion_warning_days = 2
    partnership.save()
    sign_off(review, SIGNED_OFF_ON)

    assert sweep(date(2027, 3, 8)) == (0, 0)
    assert sweep(date(2027, 3, 9)) == (1, 0)
    assert warnings().get().idempotency_key.endswith(":20270311")
    assert sweep(date(2027, 3, 11)) == (0, 1)


def test_a_review_not_signed_off_keeps_its_notes(review, note):
    Review.objects.filter(pk=review.pk).update(status=Review.Status.AWAITING_SIGN_OFF)

    assert sweep(date(2030, 1, 1)) == (0, 0)

    assert ReviewerNote.objects.get() == note
    assert not warnings().exists()
    assert not AuditEntry.objects.filter(action="notes.deleted_after_sign_off").exists()


def test_a_review_without_notes_sends_no_warning(review):
    sign_off(review, SIGNED_OFF_ON)

    assert sweep(WARN_ON) == (0, 0)
    assert sweep(DELETE_ON) == (0, 0)
    assert not AuditEntry.objects.filter(action="notes.deleted_after_sign_off").exists()


def test_the_celery_task_runs_the_sweep(review, note):
    sign_off(review, SIGNED_OFF_ON)

    with time_machine.travel(datetime.combine(DELETE_ON, time(2, 0), tzinfo=LONDON), tick=False):
        tasks.delete_signed_off_notes.delay()

    assert not ReviewerNote.objects.exists()


def test_the_audit_log_and_exports_never_show_a_notes_text(
    client, reviewer, business_manager, partnership, review, event
):
    client.force_login(reviewer)
    client.post(
        reverse("events:event_note_add", args=[partnership.slug, event.pk]),
        {"title": SECRET_TITLE, "body": SECRET_BODY},
    )
    client.force_login(business_manager)

    pages = [
        client.get(reverse("partnerships:audit_log", args=[partnership.slug])),
        client.get(reverse("events:event_replies_csv", args=[partnership.slug, event.pk])),
        client.get(reverse("practitioners:practitioner_export", args=[partnership.slug])),
    ]

    assert "note.created" in pages[0].content.decode()
    for response in pages:
        assert response.status_code == 200
        content = response.content.decode()
        assert SECRET_TITLE not in content
        assert SECRET_BODY not in content
    for entry in AuditEntry.objects.filter(action__startswith="note."):
        assert SECRET_TITLE not in str(entry.detail)
        assert SECRET_BODY not in str(entry.detail)


def test_only_assigned_reviewers_can_keep_notes(review, reviewer, business_manager, unassigned_reviewer):
    assert can_keep_notes(reviewer, review)
    assert not can_keep_notes(business_manager, review)
    assert not can_keep_notes(unassigned_reviewer, review)
