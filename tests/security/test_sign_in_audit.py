"""Every step of signing in, every change to how an account is proved, and every refusal: who, from where, when."""

import logging
from datetime import UTC, datetime

import pytest
import time_machine
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from core.models import AuditEntry, Membership
from partnerships import services
from tests.conftest import PASSWORD, totp_code
from tests.security.conftest import MFA, browser, password_step, sign_in
from tests.security.test_reauthentication import activate_authenticator

pytestmark = pytest.mark.django_db

ADDRESS = "192.0.2.10"
START = "2026-12-04 09:00:05 +0000"


def entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id").values_list("action", flat=True))


def test_a_sign_in_and_out_is_recorded_step_by_step_with_actor_address_and_time(business_manager):
    with time_machine.travel(START, tick=False):
        client = browser(ADDRESS)
        sign_in(client, business_manager)
        client.post(reverse("account_logout"))
    assert entries() == ["auth.password_accepted", "auth.totp_accepted", "auth.signed_in", "auth.signed_out"]
    for entry in AuditEntry.objects.all():
        assert entry.actor == business_manager and entry.actor_label == business_manager.email
        assert entry.ip_address == ADDRESS
        assert entry.created_at == datetime(2026, 12, 4, 9, 0, 5, tzinfo=UTC)
        assert entry.partnership is None


def test_failures_are_recorded(business_manager):
    client = browser(ADDRESS)
    password_step(client, business_manager.email, "not the password")
    password_step(client, business_manager.email, PASSWORD)
    wrong = f"{(int(totp_code(business_manager)) + 1) % 1000000:06d}"
    client.post(MFA, {"code": wrong})
    assert entries() == ["auth.sign_in_failed", "auth.password_accepted", "auth.code_refused"]
    failed, _, refused = AuditEntry.objects.order_by("id")
    assert failed.actor_label == business_manager.email and failed.ip_address == ADDRESS
    assert refused.actor == business_manager and refused.ip_address == ADDRESS


def test_a_recovery_code_used_is_recorded(business_manager):
    code = RecoveryCodes.activate(business_manager).get_unused_codes()[0]
    sign_in(browser(ADDRESS), business_manager, code)
    entry = AuditEntry.objects.get(action="auth.recovery_code_accepted")
    assert entry.actor == business_manager and entry.ip_address == ADDRESS


def test_setting_up_the_app_and_new_recovery_codes_are_recorded(new_member, django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False) as traveller:
        client = browser(ADDRESS)
        password_step(client, new_member.email)
        with django_capture_on_commit_callbacks(execute=True):
            activate_authenticator(client)
        assert {"auth.totp_set_up", "auth.recovery_codes_set_up"} <= set(entries(actor=new_member))

        traveller.shift(60)
        assert client.post(reverse("mfa_reauthenticate"), {"code": totp_code(new_member)}).status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("mfa_generate_recovery_codes")).status_code == 302
    regenerated = AuditEntry.objects.get(action="auth.recovery_codes_regenerated")
    assert regenerated.actor == new_member and regenerated.ip_address == ADDRESS
    reauthenticated = AuditEntry.objects.get(action="auth.totp_accepted", detail__reauthentication=True)
    assert reauthenticated.actor == new_member


def test_another_partnerships_page_refused_to_staff_is_recorded_with_user_and_address(
    business_manager, other_partnership, caplog
):
    caplog.set_level(logging.WARNING, logger="convene.refusals")
    client = browser(ADDRESS)
    client.force_login(business_manager)
    url = reverse("overview:partnership_overview", args=[other_partnership.slug])
    assert client.get(url).status_code == 404
    entry = AuditEntry.objects.get(action="access.refused")
    assert entry.actor == business_manager and entry.ip_address == ADDRESS
    assert entry.detail == {"status": 404, "method": "GET", "path": url}
    assert any(f"GET {url} for user {business_manager.pk} from {ADDRESS}" in message for message in caplog.messages)
    assert business_manager.email not in caplog.text


def test_a_removed_member_refused_is_recorded(business_manager, reviewer, partnership, caplog):
    caplog.set_level(logging.WARNING, logger="convene.refusals")
    client = browser(ADDRESS)
    client.force_login(reviewer)
    url = reverse("overview:partnership_overview", args=[partnership.slug])
    assert client.get(url).status_code == 200
    services.remove_staff_member(
        membership=Membership.objects.get(user=reviewer, partnership=partnership), removed_by=business_manager
    )
    assert client.get(url).status_code == 404
    entry = AuditEntry.objects.get(action="access.refused")
    assert entry.actor == reviewer and entry.ip_address == ADDRESS
    assert any(f"GET {url} for user {reviewer.pk} from {ADDRESS}" in message for message in caplog.messages)
    assert reviewer.email not in caplog.text


def test_the_partnerships_audit_page_still_shows_only_its_own_entries(business_manager, reviewer, partnership):
    sign_in(browser(ADDRESS), reviewer)
    client = browser(ADDRESS)
    client.force_login(business_manager)
    response = client.get(reverse("partnerships:audit_log", args=[partnership.slug]))
    assert response.status_code == 200
    assert [entry.partnership for entry in response.context["page"]] == []
    assert AuditEntry.objects.filter(actor=reviewer, partnership=None).count() == 3
