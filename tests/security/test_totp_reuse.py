"""A TOTP code signs in once: never again while any window it falls in is open, in any process."""

import threading

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from core.models import AuditEntry
from tests.conftest import PASSWORD, totp_code
from tests.security.conftest import MFA, browser, password_step, sign_in, signed_in
from tests.security.test_reauthentication import activate_authenticator

pytestmark = pytest.mark.django_db

# Five seconds into a 30-second step.
START = "2026-12-04 09:00:05 +0000"


def test_a_code_that_signed_in_is_refused_in_a_fresh_session_32_seconds_later(business_manager):
    with time_machine.travel(START, tick=False) as traveller:
        first = browser()
        code = totp_code(business_manager)
        assert sign_in(first, business_manager, code).status_code == 302
        assert signed_in(first)

        # The next step has begun, but the code is still inside the window allowed for the step before.
        # allauth's cache remembers a used code for one step; Redis keeps real time, so stand for it.
        traveller.shift(32)
        cache.clear()
        second = browser("198.51.100.7")
        response = sign_in(second, business_manager, code)
        assert response.status_code == 200
        assert "Enter the 6-digit code your authenticator app shows now" in response.content.decode()
        assert not signed_in(second)

        # The code the app shows now still works.
        assert second.post(MFA, {"code": totp_code(business_manager)}).status_code == 302
        assert signed_in(second)


def test_after_a_later_step_is_used_an_earlier_code_is_refused(business_manager):
    with time_machine.travel(START, tick=False):
        # People type as the code changes: the next step's code is allowed, and uses up the current one.
        assert sign_in(browser(), business_manager, totp_code(business_manager, offset=1)).status_code == 302
        other = browser("198.51.100.7")
        assert sign_in(other, business_manager, totp_code(business_manager)).status_code == 200
        assert not signed_in(other)
    # Every window that code fell in has closed: the app's new code works.
    with time_machine.travel("2026-12-04 09:01:05 +0000", tick=False):
        assert sign_in(other, business_manager).status_code == 302


def test_a_used_code_is_refused_for_re_authentication_too(business_manager):
    with time_machine.travel(START, tick=False) as traveller:
        client = browser()
        code = totp_code(business_manager)
        sign_in(client, business_manager, code)
        traveller.shift(20)
        cache.clear()
        response = client.post("/accounts/2fa/reauthenticate/", {"code": code})
        assert response.status_code == 200
        assert "code" in response.context["form"].errors


def test_the_last_used_step_is_kept_in_the_database(business_manager):
    with time_machine.travel(START, tick=False):
        sign_in(browser(), business_manager)
    totp = Authenticator.objects.get(user=business_manager, type=Authenticator.Type.TOTP)
    assert totp.data["convene_last_step"] == 1796374805 // 30


def test_a_recovery_code_works_once(business_manager):
    codes = RecoveryCodes.activate(business_manager).get_unused_codes()
    first = browser()
    assert sign_in(first, business_manager, codes[0]).status_code == 302
    assert signed_in(first)
    second = browser("198.51.100.7")
    assert password_step(second, business_manager.email, PASSWORD).status_code == 302
    assert second.post(MFA, {"code": codes[0]}).status_code == 200
    assert not signed_in(second)
    assert second.post(MFA, {"code": codes[1]}).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_same_code_typed_in_two_sessions_at_once_signs_in_only_one(business_manager):
    browsers = [browser(), browser("198.51.100.7")]
    for each in browsers:
        assert password_step(each, business_manager.email, PASSWORD).status_code == 302
    code = totp_code(business_manager)
    barrier = threading.Barrier(2)
    statuses = []

    def type_code(each):
        try:
            barrier.wait()
            statuses.append(each.post(MFA, {"code": code}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=type_code, args=[each]) for each in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 302]
    assert [signed_in(each) for each in browsers].count(True) == 1


def test_too_many_wrong_codes_are_refused_and_recorded(business_manager):
    client = browser()
    password_step(client, business_manager.email, PASSWORD)
    wrong = f"{(int(totp_code(business_manager)) + 1) % 1000000:06d}"
    for _ in range(5):
        client.post(MFA, {"code": wrong})
    response = client.post(MFA, {"code": totp_code(business_manager)})
    assert response.status_code == 200 and "Too many failed sign-in attempts" in response.content.decode()
    assert not signed_in(client)
    throttled = AuditEntry.objects.get(action="auth.code_throttled")
    assert throttled.actor == business_manager and throttled.ip_address == "192.0.2.10"
    assert AuditEntry.objects.filter(action="auth.code_refused", actor=business_manager).count() == 5


def test_the_code_that_set_up_the_app_cannot_sign_in(new_member, django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False) as traveller:
        client = browser()
        password_step(client, new_member.email, PASSWORD)
        with django_capture_on_commit_callbacks(execute=True):
            code = activate_authenticator(client)
        client.post(reverse("account_logout"))

        # The next step: the set-up code is still inside the window allowed for the step before.
        traveller.shift(32)
        cache.clear()
        again = browser("198.51.100.7")
        assert sign_in(again, new_member, code).status_code == 200
        assert not signed_in(again)
        assert again.post(MFA, {"code": totp_code(new_member)}).status_code == 302
