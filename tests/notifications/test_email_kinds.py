"""Every kind of email the product sends, listed with a sample that renders with made-up data."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from notifications import kinds
from notifications.models import OutboundMessage

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Sources that write to the outbox; every kind they name must be described.
SOURCES = [
    path
    for app in ("actions", "events", "partnerships", "practitioners", "reports", "submissions")
    for path in (Path(settings.BASE_DIR) / app).glob("*.py")
]


def email_templates():
    """Every email template in the project (its name without "_subject.txt"): each is some kind's."""
    found = {
        str(path.relative_to(TEMPLATES))[: -len("_subject.txt")] for path in TEMPLATES.glob("*/emails/*_subject.txt")
    }
    found |= {
        str(path.relative_to(TEMPLATES))[: -len("_subject.txt")]
        for path in TEMPLATES.glob("account/email/*_subject.txt")
    }
    return found


def test_every_email_template_belongs_to_a_described_kind():
    described = {template for kind in kinds.KINDS.values() for template in kind.templates}
    assert email_templates() - described == set(), "email templates no kind is registered for (notifications.kinds)"
    assert described - email_templates() == set(), "kinds registered for templates that do not exist"


def test_every_kind_named_where_emails_are_written_is_described():
    named = set()
    for path in SOURCES:
        source = path.read_text()
        if "queue_email" not in source and "email_invitee(" not in source and "email_checker(" not in source:
            continue
        named |= set(re.findall(r'\bkind="([a-z_]+)"', source))
        named |= set(re.findall(r'email_(?:invitee|checker)\([^,]+,\s*"([a-z_]+)"', source))
        named |= set(re.findall(r'_email\([^)]*"(agency_[a-z]+)"', source))
    # The kinds made from a variable: the reminders' names, which the sources name as constants.
    named.discard("")
    assert named, "the search found the outbox's callers"
    assert named - set(kinds.KINDS) == set()


@pytest.mark.parametrize("name", sorted(kinds.KINDS))
def test_every_kind_renders_with_its_sample_data(name, partnership):
    sample = kinds.KINDS[name].sample(partnership)
    assert sample.subject and "\n" not in sample.subject
    assert len(sample.body_text) > 100
    assert sample.recipient.endswith(".example")
    for text in (sample.subject, sample.body_text, sample.body_html):
        assert "None" not in text.replace("None given", "")
    # Made-up people and review: nothing from the partnership's real reviews.
    assert not OutboundMessage.objects.exists()
    if name not in ("password_reset_key", "unknown_account"):
        assert sample.body_html.lstrip().startswith("<!DOCTYPE html>")
        assert partnership.name.replace("'", "&#x27;") in sample.body_html or partnership.name in sample.body_html


def test_the_list_shows_every_kind_and_each_opens_as_a_sample(bm_client, partnership, review):
    page = bm_client.get(reverse("emails:kinds", args=[partnership.slug])).content.decode()
    for kind in kinds.KINDS.values():
        url = reverse("emails:kind", args=[partnership.slug, kind.name])
        assert f'href="{url}"' in page, kind.name
    sample = bm_client.get(reverse("emails:kind", args=[partnership.slug, "invitation"]))
    text = sample.content.decode()
    assert sample.status_code == 200
    assert "Invitation to a practitioner event" in text and "Child S" in text
    assert review.pseudonym not in text and review.reference not in text
    assert 'sandbox title="The email' in text
    assert "Factsheet (PDF)" in text and "Calendar file (invite.ics)" in text
    html = bm_client.get(reverse("emails:kind_html", args=[partnership.slug, "invitation"]))
    assert html["Content-Security-Policy"].startswith("sandbox;") and "Reply to the invitation" in html.content.decode()
    assert not OutboundMessage.objects.exists()


def test_an_email_without_html_shows_its_text_only(bm_client, partnership):
    page = bm_client.get(reverse("emails:kind", args=[partnership.slug, "unknown_account"])).content.decode()
    assert "<iframe" not in page and "there is no Convene account for it" in page
    assert bm_client.get(reverse("emails:kind_html", args=[partnership.slug, "unknown_account"])).status_code == 404


def test_no_such_kind_is_not_found(bm_client, partnership):
    assert bm_client.get(reverse("emails:kind", args=[partnership.slug, "no_such_kind"])).status_code == 404


def test_only_the_business_manager_sees_the_samples(client, partnership, reviewer, outsider):
    for user, status in ((reviewer, 403), (outsider, 404)):
        client.force_login(user)
        for name, args in (("kinds", []), ("kind", ["invitation"]), ("kind_html", ["invitation"])):
            assert client.get(reverse(f"emails:{name}", args=[partnership.slug, *args])).status_code == status
