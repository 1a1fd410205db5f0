import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from notifications.models import OutboundMessage

LONDON = ZoneInfo("Europe/London")
# A Monday before Christmas: 5 working days on, past Christmas Day and the Boxing Day holiday (Monday
# 28 December), is Wednesday 30 December.
MONDAY = datetime(2026, 12, 21, 9, 0, tzinfo=LONDON)


@pytest.fixture
def frozen():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def ask(client, review, agencies, *, kind="chronology", working_days=5, **extra):
    return client.post(
        reverse("accounts:ask", args=[review.partnership.slug, review.pk]),
        {"agencies": [a.pk for a in agencies], "kind": kind, "working_days": working_days, **extra},
    )


def link_in(message):
    return re.search(r"https?://\S+(/written-account/\S+/)", message.body_text).group(1)


def open_link(path):
    """The lead's own browser, with the link opened."""
    lead = Client()
    response = lead.post(path)
    assert response.status_code == 302
    return lead


@pytest.fixture
def asked(frozen, bm_client, review, agencies):
    """The police asked for a chronology in 5 working days; their lead's link."""
    response = ask(bm_client, review, agencies[:1])
    assert response.status_code == 302
    return link_in(OutboundMessage.objects.get(kind="account_request"))


@pytest.fixture
def lead(asked):
    return open_link(asked)
