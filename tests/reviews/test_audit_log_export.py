"""The audit log reads as the screens do: names, the review's reference, a filter by review, and its CSV."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from core import audit
from core.models import AuditEntry, User
from events.models import Invitation, ReviewerNote
from practitioners.models import Agency, Nomination, NominationRequest, Practitioner
from reviews.models import Review
from tests.conftest import make_staff
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def page_url(partnership):
    return reverse("partnerships:audit_log", args=[partnership.slug])


def csv_url(partnership):
    return reverse("partnerships:audit_log_csv", args=[partnership.slug])


def rows_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def other_review(partnership, reference="SAR 2026-02", pseudonym="Adult C"):
    return Review.objects.create(
        partnership=partnership,
        review_type=Review.Type.SAR,
        reference=reference,
        pseudonym=pseudonym,
        scope_start="2024-01-01",
        scope_end="2025-01-01",
    )


@pytest.fixture
def world(partnership, other_partnership, review, business_manager, reviewer, outsider):
    """Entries about the review, its event, an invitation and a deleted note; about a second review;
    about no review; and about a review of another partnership."""
    police = Agency.objects.create(partnership=partnership, name="Northvale Police", agency_type="police")
    sam = Practitioner.objects.create(
        partnership=partnership, full_name="Sam Green", job_title="Detective constable", agency=police
    )
    event = make_event(review)
    invitation = Invitation.objects.create(event=event, practitioner=sam, status=Invitation.Status.ACCEPTED)
    second = other_review(partnership)
    theirs = other_review(other_partnership, reference="EAST 2026-09", pseudonym="Adult Z")
    note = ReviewerNote.objects.create(review=review, author=reviewer, title="Private", body="Private thoughts")
    start = datetime(2026, 7, 1, 9, 0, tzinfo=LONDON)
    with time_machine.travel(start, tick=False) as traveller:

        def at(minutes, *args, **kwargs):
            traveller.move_to(start + timedelta(minutes=minutes))
            return audit.record(*args, **kwargs)

        entries = {
            "event": at(1, "event.created", actor=business_manager, partnership=partnership, obj=event),
            "rsvp": at(2, "rsvp.recorded", actor_label="invitee", partnership=partnership, obj=invitation),
            "removed": at(3, "invitee.removed", actor=business_manager, partnership=partnership, obj=invitation),
            "note": at(4, "note.deleted", actor=reviewer, partnership=partnership, obj=note, review_id=review.pk),
            "second_updated": at(5, "review.updated", actor=business_manager, partnership=partnership, obj=second),
            "staff": at(6, "staff.added", actor=business_manager, partnership=partnership),
            "theirs": at(7, "review.updated", actor=outsider, partnership=other_partnership, obj=theirs),
            "formula": at(8, "link.opened", actor_label="=cmd|' /C calc'!A0", partnership=partnership),
        }
    note.delete()
    return {"review": review, "second": second, "theirs": theirs, "event": event, **entries}


def test_the_page_names_people_and_objects_and_the_review_not_database_ids(world, bm_client, partnership):
    response = bm_client.get(page_url(partnership))
    page = response.content.decode()
    by_pk = {entry.pk: entry for entry in response.context["page"]}

    rsvp = by_pk[world["rsvp"].pk]
    assert rsvp.who == "Sam Green (invitee)" and rsvp.what == "Invitation to the event on 8 December 2026"
    assert rsvp.review == "CSPR 2026-01"
    removed = by_pk[world["removed"].pk]
    assert removed.who == "Priya Shah"
    assert removed.what == "Invitation to the event on 8 December 2026: Sam Green"
    assert by_pk[world["event"].pk].what == "The event on 8 December 2026: Practitioner learning event for Child A"
    note = by_pk[world["note"].pk]
    assert note.who == "Tom Ellis" and note.what == "Reviewer note (since removed)" and note.review == "CSPR 2026-01"
    assert by_pk[world["second_updated"].pk].what == "Review SAR 2026-02 (Adult C)"
    assert by_pk[world["staff"].pk].review == ""
    assert "Private thoughts" not in page and "Invitation " + str(world["rsvp"].object_id) not in page
    assert "EAST 2026-09" not in page and "Grace Okafor" not in page


def test_the_filter_by_review_shows_only_that_reviews_entries(world, bm_client, partnership):
    response = bm_client.get(page_url(partnership), {"review": world["review"].pk})

    shown = [entry.pk for entry in response.context["page"]]
    # The review's own "review.created" entry (the fixture's, written today) comes first.
    created = AuditEntry.objects.get(action="review.created")
    assert shown == [created.pk] + [world[key].pk for key in ("note", "removed", "rsvp", "event")]
    choices = response.context["form"].fields["review"].choices
    assert choices == [
        ("", "Any review"),
        (world["second"].pk, "SAR 2026-02: Adult C"),
        (world["review"].pk, "CSPR 2026-01: Child B"),
    ]
    # The filter keeps the others: one review and one kind of action.
    both = bm_client.get(page_url(partnership), {"review": world["review"].pk, "action": "invitee.removed"})
    assert [entry.pk for entry in both.context["page"]] == [world["removed"].pk]


def test_another_partnerships_review_is_refused_by_name_and_shows_nothing_of_it(world, bm_client, partnership):
    response = bm_client.get(page_url(partnership), {"review": world["theirs"].pk})
    page = response.content.decode()

    assert "Select a review from the list" in page
    assert "EAST 2026-09" not in page
    assert all(entry.partnership_id == partnership.pk for entry in response.context["page"])
    # Its CSV is refused the same way: back to the page, which says why; nothing downloaded or audited.
    refused = bm_client.get(csv_url(partnership), {"review": world["theirs"].pk})
    assert refused.status_code == 302
    assert refused["Location"] == f"{page_url(partnership)}?review={world['theirs'].pk}"
    assert not AuditEntry.objects.filter(action="audit.exported").exists()


def test_the_csv_has_the_same_rows_as_the_filtered_page_and_its_download_is_audited(
    world, bm_client, partnership, business_manager, review
):
    AuditEntry.objects.bulk_create(
        AuditEntry(
            partnership=partnership,
            action="review.updated",
            actor=business_manager,
            actor_label=business_manager.email,
            object_type="reviews.Review",
            object_id=str(review.pk),
            created_at=datetime(2027, 1, 1, 9, 0, tzinfo=LONDON) + timedelta(minutes=n),
        )
        for n in range(70)
    )
    query = {"review": review.pk, "person": business_manager.pk}
    pages = [bm_client.get(page_url(partnership), query | {"page": n}) for n in (1, 2)]
    assert f"{csv_url(partnership)}?review={review.pk}&amp;person={business_manager.pk}" in pages[0].content.decode()

    rows = rows_of(bm_client.get(csv_url(partnership), query))

    on_pages = [entry for response in pages for entry in response.context["page"]]
    assert pages[0].context["page"].paginator.count == len(on_pages) == len(rows) - 1 == 73
    assert rows[0] == [
        "When (UK time)",
        "Who",
        "What happened",
        "What it was about",
        "Review",
        "From where",
        "Action code",
    ]
    assert [row[6] for row in rows[1:]] == [entry.action for entry in on_pages]
    assert [row[3] for row in rows[1:]] == [entry.what for entry in on_pages]
    assert rows[1] == [
        "1 January 2027, 10:09:00am",
        "Priya Shah",
        "Changed a review",
        "Review CSPR 2026-01 (Child B)",
        "CSPR 2026-01",
        "Not recorded",
        "review.updated",
    ]
    assert rows[-2][1:5] == [
        "Priya Shah",
        "Removed an invitee",
        "Invitation to the event on 8 December 2026: Sam Green",
        "CSPR 2026-01",
    ]
    exported = AuditEntry.objects.get(action="audit.exported")
    assert exported.actor == business_manager
    assert exported.detail == {"filters": {"review": str(review.pk), "person": str(business_manager.pk)}, "rows": 73}


def test_the_csv_never_holds_another_partnerships_entries_and_cannot_run_formulas(world, bm_client, partnership):
    rows = rows_of(bm_client.get(csv_url(partnership)))

    assert not any("EAST 2026-09" in cell or "Grace Okafor" in cell for row in rows for cell in row)
    assert ["'=cmd|' /C calc'!A0", "Opened a personal link"] in [row[1:3] for row in rows]


def test_only_the_business_manager_downloads_the_log(world, client, partnership, reviewer, outsider):
    client.force_login(reviewer)
    assert client.get(csv_url(partnership)).status_code == 403
    client.force_login(outsider)
    assert client.get(csv_url(partnership)).status_code == 404
    response = Client().get(csv_url(partnership))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not AuditEntry.objects.filter(action="audit.exported").exists()


def test_the_page_shows_the_download_link_only_when_there_is_something_to_download(bm_client, partnership):
    assert "Download as CSV" not in bm_client.get(page_url(partnership)).content.decode()
    audit.record("staff.added", partnership=partnership)
    assert "Download as CSV" in bm_client.get(page_url(partnership)).content.decode()


def test_the_page_makes_a_few_queries_whatever_its_entries_are_about(
    world, bm_client, partnership, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = bm_client.get(page_url(partnership))

    assert response.status_code == 200


def test_a_nomination_by_an_agency_names_the_nominee_to_the_business_manager_only(
    world, bm_client, client, partnership, review
):
    police = Agency.objects.get(name="Northvale Police")
    asked = NominationRequest.objects.create(review=review, agency=police, deadline="2026-09-01")
    nomination = Nomination.objects.create(request=asked, full_name="Kim Lowe", job_title="Constable")
    audit.record(
        "nomination.added", actor_label="safeguarding lead, Northvale Police", partnership=partnership, obj=nomination
    )

    response = bm_client.get(page_url(partnership), {"action": "nomination.added"})
    (entry,) = response.context["page"]
    assert entry.who == "safeguarding lead, Northvale Police"
    assert entry.what == "A nomination from Northvale Police: Kim Lowe" and entry.review == "CSPR 2026-01"

    admin_user = make_staff("admin@convene.example", "Service Admin", None, None)
    User.objects.filter(pk=admin_user.pk).update(is_superuser=True)
    client.force_login(admin_user)
    page = client.get(page_url(partnership), {"action": "nomination.added"}).content.decode()
    assert "A nomination from Northvale Police" in page and "Kim Lowe" not in page
