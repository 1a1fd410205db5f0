"""Agency nominations: a safeguarding lead names key staff through a personal link."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from notifications.models import OutboundMessage
from practitioners.models import Agency, Nomination, NominationRequest, Practitioner

DEADLINE = timezone.localdate() + timedelta(days=14)


def ask(client, partnership, review, agencies, deadline=DEADLINE):
    return client.post(
        reverse("events:nomination_request", args=[partnership.slug, review.pk]),
        {
            "agencies": [a.pk for a in agencies],
            "deadline_0": deadline.day,
            "deadline_1": deadline.month,
            "deadline_2": deadline.year,
        },
    )


def link_in(message):
    return re.search(r"https?://\S+(/nominate/\S+/)", message.body_text).group(1)


@pytest.fixture
def lead():
    """The safeguarding lead's own browser: no account, not the business manager's session."""
    return Client()


@pytest.fixture
def lead_link(bm_client, partnership, review, agencies, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(bm_client, partnership, review, agencies[:1])
    return link_in(OutboundMessage.objects.get(kind="nomination_request"))


def without_nonce(content):
    return re.sub(rb'nonce="[^"]*"', b"", content)


def nominate(client, **data):
    payload = {
        "full_name": "Lee Porter",
        "job_title": "Police constable",
        "email": "Lee.Porter@police.example",
        "role": "practitioner",
        "line_manager_name": "Sgt Dee Hall",
        "line_manager_email": "dee.hall@police.example",
    } | data
    return client.post(reverse("nomination:page"), payload)


@pytest.mark.django_db
def test_requests_email_each_lead_a_personal_link(
    bm_client, partnership, review, agencies, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(bm_client, partnership, review, agencies)
    assert response.status_code == 302
    messages = OutboundMessage.objects.filter(kind="nomination_request")
    assert sorted(m.recipient for m in messages) == ["ann.berry@health.example", "kim.lowe@police.example"]
    for message in messages:
        assert review.reference in message.subject and "Child B" in message.subject
        assert "Alex" not in message.subject + message.body_text + message.body_html
        token = link_in(message).split("/")[2]
        # Only the hash is stored.
        assert not NominationRequest.objects.filter(token_hash=token).exists()
    assert AuditEntry.objects.filter(action="nominations.requested").exists()


@pytest.mark.django_db
def test_opening_the_link_changes_nothing_and_the_button_signs_in(lead, lead_link):
    response = lead.get(lead_link)
    assert response.status_code == 200
    assert "Name your key staff" in response.content.decode()
    assert lead.get(reverse("nomination:page")).status_code == 403
    response = lead.post(lead_link)
    assert response.status_code == 302 and response["Location"] == reverse("nomination:page")
    assert lead.get(reverse("nomination:page")).status_code == 200


@pytest.mark.django_db
def test_lead_names_staff_and_sees_them_listed(lead, lead_link):
    lead.post(lead_link)
    assert nominate(lead).status_code == 302
    page = lead.get(reverse("nomination:page")).content.decode()
    assert "Lee Porter" in page
    assert Nomination.objects.get().email == "lee.porter@police.example"
    # The same person twice is refused with a reason.
    response = nominate(lead, email="lee.porter@police.example")
    assert "already nominated" in str(response.context["form"].errors["email"])
    assert Nomination.objects.count() == 1
    # Bad input is shown at the field and saves nothing.
    response = nominate(lead, email="not an email", full_name="")
    assert set(response.context["form"].errors) >= {"email", "full_name"}
    assert Nomination.objects.count() == 1
    assert lead.post(reverse("nomination:complete")).status_code == 302
    assert NominationRequest.objects.get().completed_at is not None


@pytest.mark.django_db
def test_lead_can_withdraw_a_pending_nomination_only_from_their_own_list(lead, lead_link, partnership, review):
    lead.post(lead_link)
    nominate(lead)
    nomination = Nomination.objects.get()
    other_agency = Agency.objects.create(partnership=partnership, name="Other", lead_email="o@x.example")
    other_request = NominationRequest.objects.create(
        review=review,
        agency=other_agency,
        token_hash="x" * 64,
        token_expires_at=timezone.now() + timedelta(days=9),
        deadline=DEADLINE,
    )
    foreign = Nomination.objects.create(request=other_request, full_name="X", job_title="Y", email="x@y.example")
    assert lead.post(reverse("nomination:withdraw", args=[foreign.pk])).status_code == 404
    assert lead.post(reverse("nomination:withdraw", args=[nomination.pk])).status_code == 302
    assert list(Nomination.objects.all()) == [foreign]


@pytest.mark.django_db
def test_wrong_expired_and_replaced_links_all_get_the_same_page(
    lead, bm_client, lead_link, partnership, review, django_capture_on_commit_callbacks
):
    wrong = lead.get("/nominate/not-a-real-token/")
    assert wrong.status_code == 404
    assert "This link does not work" in wrong.content.decode()
    # Chasing sends a new link; the old one stops working.
    nomination_request = NominationRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        bm_client.post(reverse("events:nomination_chase", args=[partnership.slug, review.pk, nomination_request.pk]))
    chase = OutboundMessage.objects.get(kind="nomination_chase")
    assert chase.subject.startswith("Reminder")
    replaced = lead.get(lead_link)
    assert replaced.status_code == 404
    assert without_nonce(replaced.content) == without_nonce(wrong.content)
    assert lead.get(link_in(chase)).status_code == 200
    assert AuditEntry.objects.filter(action="nominations.chased").get().detail == {"link_rotated": True}
    with time_machine.travel(timezone.now() + timedelta(days=120)):
        assert lead.get(link_in(chase)).status_code == 404


@pytest.mark.django_db
def test_repeated_bad_links_from_one_address_are_limited(lead):
    statuses = [lead.get(f"/nominate/guess-{n}/").status_code for n in range(25)]
    assert statuses[0] == 404
    assert statuses[-1] == 429


@pytest.mark.django_db
def test_business_manager_accepts_nominations_into_the_directory(bm_client, lead, lead_link, partnership, review):
    lead.post(lead_link)
    nominate(lead)
    nominate(lead, full_name="Sam Reid", email="sam.reid@police.example", role="manager")
    nominations = list(Nomination.objects.all())
    url = reverse("events:nomination_accept", args=[partnership.slug, review.pk])
    assert bm_client.post(url, {"nominations": [n.pk for n in nominations]}).status_code == 302
    practitioners = Practitioner.objects.filter(partnership=partnership)
    assert sorted(p.email for p in practitioners) == ["lee.porter@police.example", "sam.reid@police.example"]
    assert all(p.agency.name == "Northvale Police" for p in practitioners)
    assert set(Nomination.objects.values_list("status", flat=True)) == {"accepted"}
    # The lead now sees them as received and cannot withdraw them.
    assert lead.post(reverse("nomination:withdraw", args=[nominations[0].pk])).status_code == 302
    assert Nomination.objects.count() == 2


@pytest.mark.django_db
def test_nomination_pages_refuse_reviewers_and_outsiders(client, partnership, review, reviewer, outsider):
    url = reverse("events:nomination_list", args=[partnership.slug, review.pk])
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_deadline_in_the_past_is_refused(bm_client, partnership, review, agencies):
    response = ask(bm_client, partnership, review, agencies, deadline=date(2020, 1, 1))
    assert response.status_code == 200
    assert "today or later" in response.content.decode()
    assert not NominationRequest.objects.exists()


@pytest.mark.django_db
def test_the_request_form_posts_to_the_request_url(bm_client, partnership, review, agencies):
    page = bm_client.get(reverse("events:nomination_list", args=[partnership.slug, review.pk])).content.decode()
    assert f'action="{reverse("events:nomination_request", args=[partnership.slug, review.pk])}"' in page
    assert bm_client.post(reverse("events:nomination_list", args=[partnership.slug, review.pk])).status_code == 405


@pytest.mark.django_db
def test_a_chase_closes_the_browser_the_old_link_opened(lead, lead_link, bm_client, partnership, review):
    lead.post(lead_link)
    assert lead.get(reverse("nomination:page")).status_code == 200
    nomination_request = NominationRequest.objects.get()
    bm_client.post(reverse("events:nomination_chase", args=[partnership.slug, review.pk, nomination_request.pk]))
    assert lead.get(reverse("nomination:page")).status_code == 403
