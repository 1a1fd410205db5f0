"""A business manager adds staff; the new member sets a password from an emailed link."""

import re

import pytest
from django.urls import reverse

from core.models import AuditEntry, Membership, User
from notifications.models import OutboundMessage


def add(client, partnership, **data):
    payload = {"full_name": "Sam Green", "email": "sam.green@northvale.example", "role": "reviewer"} | data
    return client.post(reverse("partnerships:staff_add", args=[partnership.slug]), payload)


@pytest.mark.django_db
def test_adding_staff_emails_a_set_password_link(
    bm_client, partnership, business_manager, client, settings, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = add(bm_client, partnership)
    assert response.status_code == 302
    user = User.objects.get(email="sam.green@northvale.example")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).role == Membership.Role.REVIEWER
    entry = AuditEntry.objects.get(action="staff.added")
    assert entry.actor == business_manager and entry.partnership == partnership

    message = OutboundMessage.objects.get(kind="staff_added")
    assert message.recipient == user.email
    assert message.state == OutboundMessage.State.SENT
    assert partnership.name in message.subject
    assert [m.to for m in mailoutbox] == [[user.email]]
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body_text).group(0)

    client.logout()
    path = link.removeprefix(settings.SITE_URL)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    new_password = "a brand new long passphrase"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


@pytest.mark.django_db
def test_adding_an_existing_member_is_refused_with_a_reason(bm_client, partnership, reviewer):
    response = add(bm_client, partnership, email=reviewer.email)
    assert response.status_code == 200
    assert "already a member" in str(response.context["form"].errors["email"])
    assert Membership.objects.filter(user=reviewer).count() == 1
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_bad_input_is_shown_at_the_field_and_nothing_is_saved(bm_client, partnership):
    response = add(bm_client, partnership, email="not-an-email", full_name="", role="owner")
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"email", "full_name", "role"}
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert not User.objects.filter(full_name="").exists()


@pytest.mark.django_db
def test_a_member_of_another_partnership_keeps_one_account(bm_client, partnership, outsider):
    add(bm_client, partnership, email=outsider.email, role="reviewer")
    assert User.objects.filter(email=outsider.email).count() == 1
    assert outsider.memberships.count() == 2
    message = OutboundMessage.objects.get(kind="staff_added")
    assert "/accounts/password/reset/key/" not in message.body_text


@pytest.mark.django_db
def test_the_last_business_manager_cannot_be_removed(bm_client, partnership, business_manager):
    membership = Membership.objects.get(user=business_manager)
    response = bm_client.post(reverse("partnerships:staff_remove", args=[partnership.slug, membership.pk]), follow=True)
    assert "at least one business manager" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_role_change_and_removal_are_audited(bm_client, partnership, reviewer):
    membership = Membership.objects.get(user=reviewer)
    url = reverse("partnerships:staff_edit", args=[partnership.slug, membership.pk])
    assert bm_client.post(url, {"role": "business_manager"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == Membership.Role.BUSINESS_MANAGER
    bm_client.post(reverse("partnerships:staff_remove", args=[partnership.slug, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["staff.role_changed", "staff.removed"]


@pytest.mark.django_db
def test_business_manager_edits_the_contact_details(bm_client, partnership):
    url = reverse("partnerships:partnership_edit", args=[partnership.slug])
    data = {
        "contact_name": "Priya Shah",
        "contact_email": "new.address@northvale.example",
        "contact_phone": "01632 960 999",
        "website": "",
        "address": "",
        "support_text": "Talk to your safeguarding lead.",
        "rsvp_reminder_working_days": "2",
        "event_reminder_days": "7, 1",
        "nomination_reminder_working_days": "2",
        "link_follow_up_days": "90",
    }
    assert bm_client.post(url, data).status_code == 302
    partnership.refresh_from_db()
    assert partnership.contact_email == "new.address@northvale.example"
    assert AuditEntry.objects.get(action="partnership.updated").detail["fields"] == [
        "contact_email",
        "contact_phone",
        "support_text",
    ]
    response = bm_client.post(url, data | {"contact_email": "broken"})
    assert "contact_email" in response.context["form"].errors
    partnership.refresh_from_db()
    assert partnership.contact_email == "new.address@northvale.example"


@pytest.mark.django_db
def test_the_audit_log_cannot_be_changed(partnership):
    from core import audit

    entry = audit.record("test.happened", partnership=partnership)
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()


@pytest.mark.django_db
def test_business_manager_sets_the_reminder_schedule(bm_client, partnership):
    url = reverse("partnerships:partnership_edit", args=[partnership.slug])
    data = {
        "contact_name": "Priya Shah",
        "contact_email": "partnership@northvale.example",
        "contact_phone": "01632 960 101",
        "rsvp_reminder_working_days": "3",
        "event_reminder_days": "1, 14,7",
        "nomination_reminder_working_days": "2",
        "link_follow_up_days": "60",
    }
    assert bm_client.post(url, data).status_code == 302
    partnership.refresh_from_db()
    assert partnership.event_reminder_day_list() == [14, 7, 1]
    response = bm_client.post(url, data | {"event_reminder_days": "tomorrow"})
    assert "whole numbers of days" in str(response.context["form"].errors["event_reminder_days"])


@pytest.mark.django_db
def test_a_removed_reviewer_loses_their_reviews(bm_client, partnership, review, reviewer):
    membership = Membership.objects.get(user=reviewer)
    bm_client.post(reverse("partnerships:staff_remove", args=[partnership.slug, membership.pk]))
    review.refresh_from_db()
    assert reviewer not in review.reviewers.all()
    from reviews.models import Review

    assert not Review.objects.visible_to(reviewer).exists()
