"""The business manager places a legal hold and marks a possible witness, in a browser with axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from events.models import Event, Invitation, PossibleWitness
from practitioners.models import Agency, Practitioner
from reviews.models import LegalHold
from tests.browser.journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_business_manager_places_and_lifts_a_legal_hold(page, a11y, live_server, review, business_manager):
    sign_in(page.context, live_server, business_manager)
    page.goto(f"/p/{review.partnership.slug}/reviews/{review.pk}/")
    a11y.check()
    page.get_by_role("link", name="Place a legal hold").click()
    a11y.check()
    page.get_by_role("button", name="Place a legal hold").click()
    a11y.check()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the review is under a legal hold")
    page.get_by_label("Why is the review under a legal hold?").fill("Criminal proceedings against the father.")
    page.get_by_role("button", name="Place a legal hold").click()
    a11y.check()
    expect(page.get_by_text("The review is under a legal hold.").first).to_be_visible()
    page.get_by_role("link", name="Back to the review").click()
    a11y.check()
    expect(page.get_by_text(re.compile("Under a legal hold since"))).to_be_visible()
    page.get_by_role("link", name="Legal hold: see or lift it").click()
    page.get_by_label("Why is the legal hold lifted?").fill("The trial has ended.")
    page.get_by_role("button", name="Lift the legal hold").click()
    a11y.check()
    expect(page.get_by_role("heading", name="Earlier holds")).to_be_visible()
    assert LegalHold.objects.get().lift_reason == "The trial has ended."


def test_business_manager_holds_back_a_possible_witness_then_records_the_agreement(
    page, a11y, live_server, review, business_manager
):
    from datetime import timedelta

    from django.utils import timezone

    partnership = review.partnership
    agency = Agency.objects.create(partnership=partnership, name="Northvale Police", agency_type="police")
    sam = Practitioner.objects.create(
        partnership=partnership, full_name="Sam Green", job_title="PC", agency=agency, email="sam@police.example"
    )
    start = timezone.now() + timedelta(days=20)
    event = Event.objects.create(
        review=review,
        title="Practitioner event",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=10,
        rsvp_deadline=timezone.localdate() + timedelta(days=10),
        venue_name="Civic Centre",
    )
    invitation = Invitation.objects.create(event=event, practitioner=sam)
    sign_in(page.context, live_server, business_manager)
    page.goto(f"/p/{partnership.slug}/events/{event.pk}/")
    a11y.check()
    page.get_by_role("link", name=re.compile(r"Possible witness\W+Sam Green")).click()
    a11y.check()
    page.get_by_role("button", name="Mark as a possible witness").click()
    a11y.check()
    expect(page.get_by_text(re.compile("Held back: marked as a possible witness"))).to_be_visible()
    page.get_by_role("link", name="Back to the event").click()
    a11y.check()
    # Nobody to send to: no button, and the held-back witness is named with a link to their page.
    expect(page.get_by_role("button", name=re.compile("Send invitations"))).to_have_count(0)
    held_back = page.locator("#held-back")
    expect(held_back).to_contain_text("1 possible witness is held back until the police or prosecution liaison agrees")
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.NOT_SENT
    held_back.get_by_role("link", name=re.compile("Sam Green")).click()
    page.get_by_label("Liaison's name").fill("DI Rachel Moss")
    page.get_by_label("Their organisation").fill("Northvale Police")
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record the agreement").click()
    a11y.check()
    expect(page.get_by_text(re.compile("can now be invited"))).to_be_visible()
    assert PossibleWitness.objects.get().agreed


def test_a_reader_marked_as_a_possible_witness_finds_the_summary_paused_until_the_agreement(
    page, a11y, live_server, review, reviewer, business_manager
):
    from django.utils import timezone

    from events import invitations, summary, summary_documents
    from tests.browser.conftest import invited_event

    event = invited_event(review, reviewer, days_ahead=20, reply_within_days=10)
    invitation = Invitation.objects.get(event=event)
    Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.ACCEPTED)
    version = summary_documents.add_version(event, text="What is known\n\nThe family moved.", created_by=reviewer)
    summary.release_summary(event, version=version, available_from=timezone.now(), released_by=business_manager)
    token = invitations.rotate_link(Invitation.objects.get(pk=invitation.pk))
    slug = review.partnership.slug

    sign_in(page.context, live_server, business_manager)
    page.goto(f"/p/{slug}/events/{event.pk}/invitees/{invitation.pk}/witness/")
    page.get_by_role("button", name="Mark as a possible witness").click()
    a11y.check()
    expect(page.get_by_text("Their access to the summary is paused until the agreement.")).to_be_visible()
    expect(page.get_by_text(re.compile("Their access is paused until the agreement is recorded"))).to_be_visible()
    page.goto(f"/p/{slug}/events/{event.pk}/summary/readers/")
    a11y.check()
    expect(page.get_by_text(re.compile("Paused: possible witness"))).to_be_visible()

    page.goto(f"/invitation/{token}/")
    a11y.check()
    page.locator("main .govuk-button--start").click()
    a11y.check()
    expect(page.get_by_text("Your access to the confidential summary is paused.", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name="Read the confidential summary")).to_have_count(0)
    page.goto("/invitation/summary/terms/")
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your access to the summary is paused")

    page.goto(f"/p/{slug}/events/{event.pk}/invitees/{invitation.pk}/witness/")
    page.get_by_label("Liaison's name").fill("DI Rachel Moss")
    page.get_by_label("Their organisation").fill("Northvale Police")
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record the agreement").click()
    page.goto("/invitation/summary/terms/")
    a11y.check()
    expect(page.get_by_role("button", name="Accept and read the summary")).to_be_visible()
