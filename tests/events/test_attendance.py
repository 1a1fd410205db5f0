"""The attendance register on the day: who may see it, saving marks, the held status and the PDF."""

import io
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from core.models import AuditEntry
from events.models import Attendance, Event, Invitation
from tests.events.conftest import LONDON, REAL_NAME, invite, make_practitioners

pytestmark = pytest.mark.django_db

DURING = datetime(2026, 12, 8, 11, 0, tzinfo=LONDON)


@pytest.fixture
def people(event, partnership, sam, lee, health):
    waiting, declined, not_sent = make_practitioners(partnership, health, 3, start=900)
    return {
        "sam": invite(event, sam, Invitation.Status.ACCEPTED),
        "lee": invite(event, lee, Invitation.Status.ACCEPTED),
        "waiting": invite(event, waiting, Invitation.Status.INVITED),
        "declined": invite(event, declined, Invitation.Status.DECLINED),
        "not_sent": invite(event, not_sent, Invitation.Status.NOT_SENT),
    }


@pytest.fixture
def during(client, business_manager):
    """The business manager's browser during the event (signed in then, as a session from before would time out)."""
    with time_machine.travel(DURING, tick=False):
        client.force_login(business_manager)
        yield client


def register_url(event):
    return reverse("events:attendance_register", args=[event.review.partnership.slug, event.pk])


def pdf_url(event):
    return reverse("events:attendance_register_pdf", args=[event.review.partnership.slug, event.pk])


def field(invitation):
    return f"person_{invitation.pk}"


def test_the_register_lists_those_expected_then_those_who_may_come(bm_client, event, people):
    page = bm_client.get(register_url(event)).content.decode()
    assert page.index("Expected (2)") < page.index("Lee Patel") < page.index("Sam Green")
    assert page.index("Sam Green") < page.index("Did not reply or declined (2)") < page.index("Person 0900")
    assert "Person 0901" in page and "Person 0902" not in page
    assert page.count('type="radio"') == 4 * 3
    assert "<strong>0</strong> attended" in page
    assert "The event has not started yet" in page


def test_saving_during_the_event_records_attendance_and_holds_the_event(during, business_manager, event, people):
    response = during.post(
        register_url(event),
        {
            field(people["sam"]): Attendance.ATTENDED,
            field(people["lee"]): Attendance.WITH_MANAGER,
            field(people["waiting"]): Attendance.DID_NOT_ATTEND,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "the event is now recorded as held" in page
    assert "<strong>2</strong> attended (1 with their manager), 1 did not attend" in page
    assert f'name="{field(people["sam"])}" type="radio" value="attended" checked' in page
    assert f'name="{field(people["lee"])}" type="radio" value="with_manager" checked' in page
    assert Event.objects.get().status == Event.Status.HELD
    sam = Invitation.objects.get(pk=people["sam"].pk)
    assert sam.attendance == Attendance.ATTENDED and sam.attendance_recorded_at == DURING
    assert Invitation.objects.get(pk=people["declined"].pk).attendance == ""
    entry = AuditEntry.objects.get(action="attendance.recorded")
    assert entry.actor == business_manager
    assert entry.detail == {"changed": 3, "attended": 1, "with_manager": 1, "did_not_attend": 1}


def test_a_second_save_changes_only_what_changed_and_keeps_the_rest(during, event, people):
    during.post(register_url(event), {field(people["sam"]): Attendance.ATTENDED})
    during.post(register_url(event), {field(people["lee"]): Attendance.DID_NOT_ATTEND})
    assert Invitation.objects.get(pk=people["sam"].pk).attendance == Attendance.ATTENDED
    assert Invitation.objects.get(pk=people["lee"].pk).attendance == Attendance.DID_NOT_ATTEND
    assert [e.detail["changed"] for e in AuditEntry.objects.filter(action="attendance.recorded").order_by("pk")] == [
        1,
        1,
    ]


def test_a_future_event_can_be_marked_but_is_not_held(bm_client, event, people, frozen):
    response = bm_client.post(register_url(event), {field(people["sam"]): Attendance.ATTENDED}, follow=True)
    assert "Attendance is saved." in response.content.decode()
    assert Invitation.objects.get(pk=people["sam"].pk).attendance == Attendance.ATTENDED
    assert Event.objects.get().status == Event.Status.DRAFT


def test_a_cancelled_event_refuses_with_a_message(during, event, people):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    page = during.get(register_url(event)).content.decode()
    assert "Save attendance" not in page
    response = during.post(register_url(event), {field(people["sam"]): Attendance.ATTENDED}, follow=True)
    assert "This event was cancelled, so attendance cannot be recorded." in response.content.decode()
    assert not Invitation.objects.exclude(attendance="").exists()
    assert Event.objects.get().status == Event.Status.CANCELLED
    assert not AuditEntry.objects.filter(action="attendance.recorded").exists()


def test_an_unknown_mark_is_shown_next_to_the_person_and_nothing_is_saved(bm_client, event, people):
    response = bm_client.post(
        register_url(event), {field(people["sam"]): Attendance.ATTENDED, field(people["lee"]): "maybe"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and f'id="{field(people["lee"])}-error"' in page
    assert not Invitation.objects.exclude(attendance="").exists()


def test_someone_not_yet_invited_cannot_be_marked(bm_client, event, people):
    bm_client.post(register_url(event), {field(people["not_sent"]): Attendance.ATTENDED})
    assert Invitation.objects.get(pk=people["not_sent"].pk).attendance == ""


@pytest.mark.parametrize("url", [register_url, pdf_url])
def test_a_reviewer_is_refused(client, reviewer, event, people, url):
    client.force_login(reviewer)
    assert client.get(url(event)).status_code == 403
    assert client.post(url(event), {field(people["sam"]): Attendance.ATTENDED}).status_code == 403
    assert not Invitation.objects.exclude(attendance="").exists()


@pytest.mark.parametrize("url", [register_url, pdf_url])
def test_another_partnership_gets_not_found(client, outsider, event, people, url):
    client.force_login(outsider)
    assert client.get(url(event)).status_code == 404
    assert client.post(url(event), {field(people["sam"]): Attendance.ATTENDED}).status_code == 404
    assert not Invitation.objects.exclude(attendance="").exists()


@pytest.mark.parametrize("url", [register_url, pdf_url])
def test_signed_out_goes_to_sign_in(client, event, people, url):
    response = client.post(url(event), {field(people["sam"]): Attendance.ATTENDED})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Invitation.objects.exclude(attendance="").exists()


def test_the_register_pdf_names_people_and_their_attendance_but_never_the_child(bm_client, event, people):
    Invitation.objects.filter(pk=people["sam"].pk).update(attendance=Attendance.WITH_MANAGER)
    response = bm_client.get(pdf_url(event))
    assert response["Content-Type"] == "application/pdf"
    assert "attendance-register-CSPR-2026-01-2026-12-08.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Attendance register" in text
    assert "Tuesday 8 December 2026, 10am to 1pm" in text and "Northvale Civic Centre" in text
    assert "CSPR 2026/01 (Child A)" in text
    assert "Sam Green" in text and "Detective constable" in text and "Northvale Police" in text
    assert "Attended with their manager" in text and "Not recorded" in text
    assert "Person 0902" not in text
    for part in REAL_NAME.replace("-", " ").split():
        if len(part) > 2:  # "Jo" is in "Job title"
            assert part not in text
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"]) is True
    assert AuditEntry.objects.filter(action="event.register_downloaded", object_id=str(event.pk)).count() == 1
