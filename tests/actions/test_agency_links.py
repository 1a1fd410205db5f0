"""Agency links: the business manager sends them; the action owner updates their own actions through one."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import Action, ActionUpdate, AgencyLink
from core.errors import DomainError
from core.models import AuditEntry
from notifications.models import OutboundMessage
from reviews.models import Review
from tests.actions.conftest import action_data, link_in, make_pdf, upload

pytestmark = pytest.mark.django_db


def text_of(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def signed_in(owner, link):
    response = owner.post(link)
    assert response.status_code == 302 and response["Location"] == reverse("action_owner:list")
    return owner


def update_payload(**overrides):
    return {"text": "Briefings booked for March", "status": "in_progress", "rag": "green"} | overrides


# Sending and stopping.


def test_sending_a_link_emails_the_owner_and_keeps_only_its_hash(police_link, police, review):
    message = OutboundMessage.objects.get(kind="action_link")
    assert message.recipient == "jo.kent@police.example"
    assert "CSPR 2026-01" in message.subject and "Child B" in message.subject
    # Nothing identifying: the real name never travels.
    assert "Alex" not in message.subject + message.body_text + message.body_html
    token = police_link.split("/")[2]
    agency_link = AgencyLink.objects.get()
    assert agency_link.token_hash == services.links.hash_token(token)
    assert token not in str(list(AuditEntry.objects.values_list("detail", flat=True)))
    assert agency_link.token_expires_at > timezone.now() + timedelta(days=300)
    assert AuditEntry.objects.filter(action="action_link.sent", object_id=str(agency_link.pk)).exists()


def test_a_new_link_stops_the_old_one(
    police_link, owner, review, police, business_manager, django_capture_on_commit_callbacks
):
    signed_in(owner, police_link)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_agency_link(review, police, name="Ali Shah", email="ali.shah@police.example", by=business_manager)
    assert AgencyLink.objects.count() == 1
    newest = OutboundMessage.objects.filter(kind="action_link").order_by("-created_at", "-id").first()
    assert newest.recipient == "ali.shah@police.example" and "new link" in newest.body_text
    assert owner.get(police_link).status_code == 404
    # The browser that opened the old link is closed too.
    assert owner.get(reverse("action_owner:list")).status_code == 403
    assert Client().post(link_in(newest)).status_code == 302


def test_stopping_a_link_closes_it_everywhere(police_link, owner, bm_client, review, police):
    signed_in(owner, police_link)
    response = bm_client.post(reverse("actions:agency_link_stop", args=[review.partnership.slug, review.pk, police.pk]))
    assert response.status_code == 302
    assert AgencyLink.objects.get().token_revoked_at is not None
    assert owner.get(reverse("action_owner:list")).status_code == 403
    assert owner.get(police_link).status_code == 404
    assert AuditEntry.objects.filter(action="action_link.stopped").exists()


def test_the_send_page_sends_and_lists_the_link(
    bm_client, review, police, police_action, django_capture_on_commit_callbacks
):
    url = reverse("actions:agency_link_send", args=[review.partnership.slug, review.pk, police.pk])
    page = bm_client.get(url).content.decode()
    assert 'value="sam.reid@agency.example"' in page  # the action's lead, as a starting point
    with django_capture_on_commit_callbacks(execute=True):
        response = bm_client.post(url, {"name": "Jo Kent", "email": "jo.kent@police.example"})
    assert response.status_code == 302
    listing = text_of(bm_client.get(reverse("actions:agency_links", args=[review.partnership.slug, review.pk])))
    assert "Jo Kent" in listing and "Works" in listing
    assert OutboundMessage.objects.filter(kind="action_link", recipient="jo.kent@police.example").exists()


def test_no_link_for_an_agency_without_actions_or_before_sign_off(
    review, police, health, police_action, business_manager
):
    with pytest.raises(DomainError, match="no actions on this plan"):
        services.send_agency_link(review, health, name="A", email="a@health.example", by=business_manager)
    Review.objects.filter(pk=review.pk).update(status=Review.Status.DRAFTING)
    with pytest.raises(DomainError, match="signed off"):
        services.send_agency_link(review, police, name="A", email="a@police.example", by=business_manager)
    assert not AgencyLink.objects.exists() and not OutboundMessage.objects.exists()


# The action owner's side.


def test_opening_the_link_changes_nothing_and_the_button_opens_the_actions(police_link, owner):
    response = owner.get(police_link)
    assert response.status_code == 200
    assert "Your agency's actions for review" in text_of(response)
    assert AgencyLink.objects.get().last_used_at is None
    assert not AuditEntry.objects.filter(action="link.opened").exists()
    assert owner.get(reverse("action_owner:list")).status_code == 403
    signed_in(owner, police_link)
    assert AgencyLink.objects.get().last_used_at is not None
    assert owner.get(reverse("action_owner:list")).status_code == 200


def test_the_owner_sees_only_their_agencys_actions_on_that_review(
    police_link, owner, police_action, health_action, review, police, business_manager, partnership
):
    other_review = Review.objects.create(
        partnership=partnership,
        review_type="sar",
        reference="SAR 2026-02",
        pseudonym="Adult C",
        scope_start="2024-01-01",
        scope_end="2024-12-31",
        status=Review.Status.SIGNED_OFF,
    )
    other_rec = services.add_recommendation(other_review, text="Other review", by=business_manager)
    services.add_action(other_rec, data=action_data(police, description="Police action elsewhere"), by=business_manager)
    signed_in(owner, police_link)
    page = text_of(owner.get(reverse("action_owner:list")))
    assert "Run a briefing on neglect" in page
    assert "Audit health visitors" not in page and "Police action elsewhere" not in page


def test_the_owner_posts_an_update_with_evidence(police_link, owner, police_action, bm_client, review):
    signed_in(owner, police_link)
    url = reverse("action_owner:update", args=[police_action.pk])
    assert owner.get(url).status_code == 200
    response = owner.post(url, update_payload(status="complete", evidence=upload(make_pdf(), "training log.pdf")))
    assert response.status_code == 302
    update = ActionUpdate.objects.get()
    assert update.author is None and update.author_name == "Jo Kent"
    assert update.evidence_filename == "training log.pdf"
    police_action.refresh_from_db()
    assert police_action.status == "complete" and police_action.completed_on == timezone.localdate()
    entry = AuditEntry.objects.get(action="action.progress_added")
    assert entry.actor is None and entry.actor_label == "action owner, Northvale Police"
    staff_page = text_of(
        bm_client.get(reverse("actions:action_detail", args=[review.partnership.slug, review.pk, police_action.pk]))
    )
    assert (
        "Briefings booked for March" in staff_page and "by Jo Kent" in staff_page and "training log.pdf" in staff_page
    )


def test_the_owner_sees_a_clear_message_for_a_wrong_file(police_link, owner, police_action):
    signed_in(owner, police_link)
    url = reverse("action_owner:update", args=[police_action.pk])
    response = owner.post(url, update_payload(evidence=upload(b"<html><script></script></html>", "report.pdf")))
    assert response.status_code == 200
    assert "The file must be a PDF" in response.content.decode()
    assert not ActionUpdate.objects.exists()


def test_another_agencys_action_through_the_link_is_not_found_and_nothing_changes(
    police_link, owner, health_action, police_action
):
    signed_in(owner, police_link)
    url = reverse("action_owner:update", args=[health_action.pk])
    assert owner.get(url).status_code == 404
    response = owner.post(url, update_payload(status="complete"))
    assert response.status_code == 404
    assert "This link does not work" in text_of(response)
    health_action.refresh_from_db()
    assert health_action.status == "not_started"
    assert not ActionUpdate.objects.exists()
    assert owner.get(reverse("action_owner:update", args=[999999])).status_code == 404


def test_an_action_of_the_same_agency_on_another_review_is_not_found(
    police_link, owner, police, business_manager, partnership
):
    other_review = Review.objects.create(
        partnership=partnership,
        review_type="sar",
        reference="SAR 2026-02",
        pseudonym="Adult C",
        scope_start="2024-01-01",
        scope_end="2024-12-31",
        status=Review.Status.SIGNED_OFF,
    )
    other_rec = services.add_recommendation(other_review, text="Other review", by=business_manager)
    elsewhere = services.add_action(other_rec, data=action_data(police), by=business_manager)
    signed_in(owner, police_link)
    assert owner.post(reverse("action_owner:update", args=[elsewhere.pk]), update_payload()).status_code == 404
    assert not ActionUpdate.objects.exists()


def test_owner_pages_without_a_link_show_the_plain_page(owner, police_action):
    for url in (reverse("action_owner:list"), reverse("action_owner:update", args=[police_action.pk])):
        response = owner.get(url)
        assert response.status_code == 403 and "This link does not work" in text_of(response)


def test_a_staff_session_is_not_an_owner_session(bm_client, police_action):
    assert bm_client.get(reverse("action_owner:list")).status_code == 403


def test_bad_tokens_get_one_plain_page_and_are_rate_limited(owner):
    for attempt in range(20):
        response = owner.get(reverse("action_owner:start", args=[f"not-a-real-token-{attempt}"]))
        assert response.status_code == 404 and "This link does not work" in text_of(response)
    assert owner.get(reverse("action_owner:start", args=["one-more"])).status_code == 429


def test_an_expired_link_does_not_work(police_link, owner):
    with time_machine.travel(timezone.now() + timedelta(days=366)):
        assert owner.get(police_link).status_code == 404
        assert owner.post(police_link).status_code == 404


def test_leaving_closes_the_actions_in_this_browser(police_link, owner):
    signed_in(owner, police_link)
    response = owner.post(reverse("action_owner:leave"), follow=True)
    assert "You have closed your agency's actions" in text_of(response)
    assert owner.get(reverse("action_owner:list")).status_code == 403


def test_the_owner_pages_send_no_referer_elsewhere(police_link, owner):
    signed_in(owner, police_link)
    response = owner.get(reverse("action_owner:list"))
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert "no-store" in response["Cache-Control"]
    assert Action.objects.count() == 1
