"""The sign-in sheet: who is expected, never the real name, and a fixed number of queries."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from core.models import AuditEntry
from events.models import Event, Invitation
from events.pdfs import event_sign_in_sheet, render_sign_in_sheet
from tests.events.conftest import REAL_NAME, invite, make_practitioners


def pdf_text(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.django_db
def test_the_sheet_lists_who_accepted_and_who_has_not_replied(event, partnership, sam, lee, health):
    invite(event, sam, Invitation.Status.ACCEPTED)
    invite(event, lee, Invitation.Status.INVITED)
    declined, not_invited = make_practitioners(partnership, health, 2, start=900)
    invite(event, declined, Invitation.Status.DECLINED)
    invite(event, not_invited, Invitation.Status.NOT_SENT)

    pdf = render_sign_in_sheet(Event.objects.get(pk=event.pk))

    text = pdf_text(pdf)
    assert "Sam Green" in text and "Detective constable" in text and "Northvale Police" in text
    assert "Lee Patel" in text
    assert text.index("Attending (1)") < text.index("Sam Green") < text.index("Invited but not replied yet (1)")
    assert text.index("Invited but not replied yet (1)") < text.index("Lee Patel")
    assert declined.full_name not in text and not_invited.full_name not in text
    assert "Practitioner learning event for Child A" in text
    assert "Tuesday 8 December 2026, 10am to 1pm" in text
    assert "Northvale Civic Centre" in text
    assert "CSPR 2026/01 (Child A)" in text
    assert "Northvale Children's Safeguarding Partnership" in text
    assert "Page 1 of 1" in text
    for part in REAL_NAME.replace("-", " ").split():
        if len(part) > 2:
            assert part not in text
    reader = PdfReader(io.BytesIO(pdf))
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"]) is True
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


@pytest.mark.django_db
def test_a_long_list_runs_over_pages_numbered_of_the_total(event, partnership, agency):
    people = make_practitioners(partnership, agency, 60)
    Invitation.objects.bulk_create(
        Invitation(event=event, practitioner=person, status=Invitation.Status.ACCEPTED) for person in people
    )
    reader = PdfReader(io.BytesIO(render_sign_in_sheet(Event.objects.get(pk=event.pk))))
    pages = len(reader.pages)
    assert pages > 1
    assert f"Page 1 of {pages}" in reader.pages[0].extract_text()
    assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text()
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Person 0000" in text and "Person 0059" in text


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_list(event, partnership, agency, health):
    counts = []
    for size in (5, 60):
        people = make_practitioners(partnership, agency if size == 5 else health, size, start=len(counts) * 100)
        Invitation.objects.bulk_create(
            Invitation(event=event, practitioner=person, status=Invitation.Status.ACCEPTED) for person in people[::2]
        )
        Invitation.objects.bulk_create(
            Invitation(event=event, practitioner=person, status=Invitation.Status.INVITED) for person in people[1::2]
        )
        fresh = Event.objects.get(pk=event.pk)
        with CaptureQueriesContext(connection) as queries:
            render_sign_in_sheet(fresh)
        counts.append(len(queries))
    # The review, its partnership and the invitees with their agencies.
    assert counts == [3, 3]


@pytest.mark.django_db
def test_the_business_manager_downloads_it_and_the_download_is_logged(event, business_manager, sam):
    invite(event, sam, Invitation.Status.ACCEPTED)
    request = RequestFactory().get("/")
    request.user = business_manager
    response = event_sign_in_sheet(request, "northvale", event.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="sign-in-sheet-CSPR-2026-01-2026-12-08.pdf"'
    assert "Sam Green" in pdf_text(response.content)
    entry = AuditEntry.objects.get(action="event.sign_in_sheet_downloaded")
    assert entry.actor == business_manager
    assert entry.object_id == str(event.pk)


@pytest.mark.django_db
def test_the_reviewer_and_other_partnerships_are_refused(event, reviewer, outsider):
    request = RequestFactory().get("/")
    request.user = reviewer
    with pytest.raises(PermissionDenied):
        event_sign_in_sheet(request, "northvale", event.pk)
    request.user = outsider
    with pytest.raises(Http404):
        event_sign_in_sheet(request, "northvale", event.pk)
    assert not AuditEntry.objects.filter(action="event.sign_in_sheet_downloaded").exists()
