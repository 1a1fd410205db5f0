"""The directory picker keeps the boxes ticked across searches and pages until the people are added."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from events.models import Invitation
from practitioners.models import Agency
from tests.events.conftest import invite, make_practitioners

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def add_url(event):
    return reverse("events:invitee_add", args=[event.review.partnership.slug, event.pk])


def detail_url(event):
    return reverse("events:event_detail", args=[event.review.partnership.slug, event.pk])


def chosen_on_page(client, event, **query):
    """The boxes ticked on the page as it now shows."""
    page = client.get(add_url(event), query).content.decode()
    return page


def test_ticks_are_kept_across_a_search_and_added_together(bm_client, event, sam, lee, health, business_manager):
    # Tick Sam, then search for the health visitor: the search is sent by the same form.
    response = bm_client.post(
        add_url(event), {"practitioners": [sam.pk], "shown": [sam.pk, lee.pk], "q": "visitor", "action": "search"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{add_url(event)}?q=visitor"
    page = bm_client.get(add_url(event), {"q": "visitor"}).content.decode()
    assert "You have chosen 1 person" in page and "Sam Green, Northvale Police" in page
    assert f'value="{lee.pk}" checked' not in page
    assert not event.invitations.exists()

    # Tick Lee on the search's page and add: both go onto the list, in one audited step.
    response = bm_client.post(
        add_url(event), {"practitioners": [lee.pk], "shown": [lee.pk], "q": "visitor", "action": "add"}, follow=True
    )
    assert response.redirect_chain[-1][0] == detail_url(event)
    assert "2 people added to the invitee list." in response.content.decode()
    assert sorted(event.invitations.values_list("practitioner_id", flat=True)) == sorted([sam.pk, lee.pk])
    assert AuditEntry.objects.filter(action="invitees.added", actor=business_manager).count() == 1
    # The choice is used up.
    assert "You have chosen" not in bm_client.get(add_url(event)).content.decode()


def test_ticks_are_kept_across_pages_and_unticking_a_shown_box_drops_it(bm_client, event, partnership, agency):
    people = make_practitioners(partnership, agency, 120)
    first_page = [p.pk for p in people[:100]]
    # Tick the first two, then turn to page 2.
    response = bm_client.post(
        add_url(event), {"practitioners": first_page[:2], "shown": first_page, "current_page": "1", "page": "2"}
    )
    assert response["Location"] == f"{add_url(event)}?page=2"
    second = bm_client.get(add_url(event), {"page": 2}).content.decode()
    assert "You have chosen 2 people" in second
    # Tick one on page 2 and come back to page 1: the first two are still ticked there.
    second_page = [p.pk for p in people[100:]]
    bm_client.post(
        add_url(event), {"practitioners": second_page[:1], "shown": second_page, "current_page": "2", "page": "1"}
    )
    first = bm_client.get(add_url(event)).content.decode()
    assert "You have chosen 3 people" in first
    assert f'value="{first_page[0]}" checked' in first and f'value="{first_page[1]}" checked' in first
    # Untick one of them on page 1 (the page sends only the boxes still ticked): it is no longer chosen.
    bm_client.post(
        add_url(event), {"practitioners": first_page[:1], "shown": first_page, "current_page": "1", "action": "search"}
    )
    assert "You have chosen 2 people" in bm_client.get(add_url(event)).content.decode()


def test_select_all_shown(bm_client, event, sam, lee, health):
    invite(event, sam)
    response = bm_client.post(add_url(event), {"shown": [lee.pk], "action": "select_shown", "agency": health.pk})
    assert response["Location"] == f"{add_url(event)}?agency={health.pk}"
    page = bm_client.get(add_url(event), {"agency": health.pk}).content.decode()
    assert "You have chosen 1 person" in page and f'value="{lee.pk}" checked' in page
    # Those already invited are never offered as "shown".
    page = bm_client.get(add_url(event)).content.decode()
    assert f'name="shown" value="{sam.pk}"' not in page
    assert f'name="shown" value="{lee.pk}"' in page


def test_everyone_from_an_agency(bm_client, event, partnership, agency, health, sam, lee):
    others = make_practitioners(partnership, agency, 3)
    invite(event, others[0])
    response = bm_client.post(add_url(event), {"agency": agency.pk, "action": "select_agency"}, follow=True)
    page = response.content.decode()
    assert "Everyone from Northvale Police is chosen (3 people)." in page
    assert "You have chosen 3 people" in page
    bm_client.post(add_url(event), {"action": "add"})
    assert sorted(event.invitations.values_list("practitioner_id", flat=True)) == sorted(
        [p.pk for p in others] + [sam.pk]
    )
    assert not event.invitations.filter(practitioner=lee).exists()


def test_everyone_from_an_agency_needs_an_agency(bm_client, event, sam):
    response = bm_client.post(add_url(event), {"practitioners": [sam.pk], "agency": "", "action": "select_agency"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert page.count("Choose an agency to select everyone from it") == 2  # the summary and the field
    assert 'href="#id_agency"' in page
    assert not event.invitations.exists()


def test_clearing_the_choice(bm_client, event, sam, lee):
    bm_client.post(add_url(event), {"practitioners": [sam.pk, lee.pk], "shown": [sam.pk, lee.pk], "action": "search"})
    assert "You have chosen 2 people" in bm_client.get(add_url(event)).content.decode()
    bm_client.post(add_url(event), {"shown": [], "action": "clear"})
    assert "You have chosen" not in bm_client.get(add_url(event)).content.decode()
    response = bm_client.post(add_url(event), {"action": "add"})
    assert "Choose at least one person to invite" in response.content.decode()
    assert not event.invitations.exists()


def test_the_choice_belongs_to_one_event_and_one_partnership(
    bm_client, review, event, sam, other_partnership, business_manager
):
    from tests.events.conftest import make_event

    other_event = make_event(review, title="Another event")
    bm_client.post(add_url(event), {"practitioners": [sam.pk], "shown": [sam.pk], "action": "search"})
    assert "You have chosen" not in bm_client.get(add_url(other_event)).content.decode()
    # Someone from another partnership cannot be slipped in: the page refuses and nothing changes.
    stranger = make_practitioners(other_partnership, Agency.objects.create(partnership=other_partnership, name="X"), 1)[
        0
    ]
    response = bm_client.post(add_url(event), {"practitioners": [stranger.pk], "action": "select_shown"})
    assert "Choose people from the list" in response.content.decode()
    assert "You have chosen 1 person" in bm_client.get(add_url(event)).content.decode()
    response = bm_client.post(add_url(event), {"shown": [stranger.pk, "abc"], "action": "select_shown"})
    assert response.status_code == 302
    assert "You have chosen 1 person" in bm_client.get(add_url(event)).content.decode()
    assert not Invitation.objects.exists()


def test_an_unknown_button_changes_nothing(bm_client, event, sam):
    response = bm_client.post(add_url(event), {"practitioners": [sam.pk], "action": "send-everything"})
    assert response.status_code == 200
    assert "Choose what to do" in response.content.decode()
    assert "You have chosen" not in bm_client.get(add_url(event)).content.decode()


def test_adding_nobody_from_an_empty_search_points_to_the_search(bm_client, event, sam):
    response = bm_client.post(add_url(event), {"q": "nobody by this name", "action": "add"})
    page = response.content.decode()
    assert "Choose at least one person to invite" in page
    assert 'href="#id_q"' in page
    assert not event.invitations.exists()
