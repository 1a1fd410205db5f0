"""Nothing confidential goes out unchecked: every summary version passes the names check before it is released."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry
from events import summary_documents
from events.models import Invitation, SummaryNameHit, SummaryRelease
from notifications.models import OutboundMessage
from tests.events.conftest import REAL_NAME, invite
from tests.events.test_summary_release import AVAILABLE, release_form, release_url, with_link

pytestmark = pytest.mark.django_db

# The example, with this test world's real name and invitee.
NAMING = f"{REAL_NAME} lived with his mother.\n\nSam Green was the detective on the case."
CLEAN = "Child A lived with his mother.\n\nA detective from the police was on the case."


@pytest.fixture
def attending(event, sam):
    return with_link(invite(event, sam, Invitation.Status.ACCEPTED))


def version_url(version):
    event = version.event
    return reverse("events:summary_version", args=[event.review.partnership.slug, event.pk, version.number])


def written(event, reviewer, text):
    return summary_documents.add_version(event, text=text, created_by=reviewer)


def test_a_written_version_that_names_people_is_flagged_by_paragraph(client, event, reviewer, attending):
    client.force_login(reviewer)
    response = client.post(
        reverse("events:summary_write", args=[event.review.partnership.slug, event.pk]), {"text": NAMING}, follow=True
    )
    page = response.content.decode()
    assert "may name someone" in page
    hits = {(hit.paragraph, hit.kind) for hit in SummaryNameHit.objects.all()}
    assert hits == {(1, SummaryNameHit.Kind.SUBJECT), (2, SummaryNameHit.Kind.INVITEE)}
    assert "The real name kept for the child" in page
    # What the check found names the real name only by what it is; the name stays in the reviewer's own text.
    found = re.findall(r'Found</dt>\s*<dd class="govuk-summary-list__value">(.*?)</dd>', page, re.S)
    assert found and not any(REAL_NAME.split()[0] in cell for cell in found)
    entry = AuditEntry.objects.get(action="summary.version_added")
    assert entry.detail["names_found"] == 2 and REAL_NAME not in str(entry.detail)


def test_a_version_with_open_hits_cannot_be_released_and_nothing_changes(
    frozen, bm_client, event, reviewer, attending, mailoutbox, django_capture_on_commit_callbacks
):
    version = written(event, reviewer, NAMING)
    with django_capture_on_commit_callbacks(execute=True):
        response = bm_client.post(release_url(event), release_form(version))
    assert response.status_code == 200
    assert "may name someone the review knows about (2 places to deal with)" in response.content.decode()
    assert not SummaryRelease.objects.exists()
    assert not OutboundMessage.objects.filter(kind="summary_released").exists()
    assert not AuditEntry.objects.filter(action="summary.released").exists()


def test_marking_each_place_not_a_person_is_audited_and_lets_it_be_released(
    frozen, bm_client, event, reviewer, attending, django_capture_on_commit_callbacks
):
    version = written(event, reviewer, "The family lived on Sam Green Road.")
    (hit,) = SummaryNameHit.objects.filter(version=version)
    client = Client()
    client.force_login(reviewer)
    dismiss = reverse(
        "events:summary_hit_dismiss", args=[event.review.partnership.slug, event.pk, version.number, hit.pk]
    )
    refused = client.post(dismiss, {f"hit-{hit.pk}-reason": ""})
    assert refused.status_code == 200 and "Enter why this is not a person" in refused.content.decode()
    client.post(dismiss, {f"hit-{hit.pk}-reason": "It is the name of a road"})
    hit.refresh_from_db()
    assert hit.status == SummaryNameHit.Status.NOT_A_PERSON and hit.resolved_by == reviewer
    assert AuditEntry.objects.filter(action="summary.name_marked_not_a_person", actor=reviewer).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = bm_client.post(release_url(event), release_form(version))
    assert response.status_code == 302 and SummaryRelease.objects.get().version == version


def test_the_release_page_shows_each_versions_check_and_offers_the_newest_clean_one_first(
    bm_client, event, reviewer, attending
):
    clean = written(event, reviewer, CLEAN)
    naming = written(event, reviewer, NAMING)
    page = bm_client.get(release_url(event))
    html = page.content.decode()
    assert page.context["form"].initial["version"] == str(clean.pk)
    assert "Names nobody" in html and "May name someone" in html
    assert version_url(clean) in html and version_url(naming) in html
    choices = [
        str(choice.value if hasattr(choice, "value") else choice[0])
        for choice in page.context["form"].fields["version"].choices
    ]
    assert choices == [str(clean.pk), str(naming.pk)]


def test_a_new_version_starts_from_the_previous_versions_text(client, event, reviewer):
    written(event, reviewer, "## What is known\n\nThe family moved in **2024**.\n\n- School\n- GP")
    client.force_login(reviewer)
    page = client.get(reverse("events:summary_write", args=[event.review.partnership.slug, event.pk]))
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", page.content.decode(), re.S)[1]
    assert "## What is known" in textarea and "**2024**" in textarea and "- School\n- GP" in textarea


def test_releasing_again_keeps_the_date_already_set(frozen, bm_client, event, reviewer, attending):
    version = written(event, reviewer, CLEAN)
    bm_client.post(release_url(event), release_form(version))
    initial = bm_client.get(release_url(event)).context["form"].initial
    assert initial["available_on"] == AVAILABLE.date()
    assert initial["available_at"].hour == AVAILABLE.hour


def test_the_check_runs_again_at_release_against_the_names_known_today(
    frozen, bm_client, event, reviewer, partnership, agency
):
    from practitioners.models import Practitioner

    version = written(event, reviewer, "Jo Ward met the family in May.")
    assert not SummaryNameHit.objects.exists()
    Practitioner.objects.create(partnership=partnership, full_name="Jo Ward", job_title="Nurse", agency=agency)
    response = bm_client.post(release_url(event), release_form(version))
    assert response.status_code == 200 and "1 place to deal with" in response.content.decode()
    assert not SummaryRelease.objects.exists()
