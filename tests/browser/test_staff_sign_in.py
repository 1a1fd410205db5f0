"""A new business manager signs in, sets up an authenticator app and reaches their partnership."""

import re

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from core.models import Membership
from tests.conftest import PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def current_code(secret):
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_business_manager_signs_in_and_enrols_totp(page, a11y, partnership):
    make_staff(
        "new.manager@northvale.example", "Nia Clarke", partnership, Membership.Role.BUSINESS_MANAGER, with_mfa=False
    )

    page.goto("/")
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")

    # A wrong password first: a clear message and no hint whether the account exists.
    page.get_by_label("Email").fill("new.manager@northvale.example")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    a11y.check()
    expect(page.locator(".govuk-error-summary")).to_be_visible()

    page.get_by_label("Email").fill("new.manager@northvale.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()

    # Nothing but the authenticator set-up is reachable until it is done.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    a11y.check()
    secret = page.locator("#authenticator-secret").text_content().strip()
    page.get_by_label(re.compile("code", re.I)).fill(current_code(secret))
    page.get_by_role("button", name=re.compile("Activate|Set up|Continue", re.I)).click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    a11y.check()
    page.get_by_text("Continue to Convene").click()

    expect(page).to_have_url(re.compile(rf"/p/{partnership.slug}/$"))
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(partnership.name)
    expect(page.locator("header, .govuk-service-navigation").first).to_contain_text(partnership.name)
