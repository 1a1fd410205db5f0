"""Bugs found by reading the action plan code, each shown failing before its fix."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions import services
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def _owner_page_queries(owner, action):
    with CaptureQueriesContext(connection) as queries:
        response = owner.get(reverse("action_owner:update", args=[action.pk]))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_action_owners_page_asks_the_same_number_of_queries_however_many_staff_updates(
    police_link, owner, police_action, business_manager, partnership
):
    assert owner.post(police_link).status_code == 302
    support = make_staff("support@northvale.example", "Ade Moss", partnership, "business_manager")
    services.add_update(police_action, text="Briefing planned.", status="in_progress", rag="amber", by=business_manager)
    _owner_page_queries(owner, police_action)  # the first visit also saves the session
    few, _ = _owner_page_queries(owner, police_action)
    for number in range(3):
        services.add_update(
            police_action, text=f"Briefing {number} held.", status="in_progress", rag="green", by=support
        )
    many, page = _owner_page_queries(owner, police_action)
    assert many == few
    assert page.count("by Ade Moss") == 3 and page.count("by Priya Shah") == 1
