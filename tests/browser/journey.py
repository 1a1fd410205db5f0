"""Steps every browser journey takes: signing staff in, following links, opening pages (with axe each time)."""

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect


def sign_in(context, live_server, user):
    """Give the browser context a session for the user (who has TOTP set up, so the MFA gate passes)."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def signed_in_context(browser, live_server, user):
    return sign_in(browser.new_context(base_url=live_server.url), live_server, user)


def follow(page, checker, action, h1):
    """Click a link or button, wait for the page it loads, check its status and heading, and run axe."""
    with page.expect_navigation() as navigation:
        action.click()
    status = navigation.value.status if navigation.value else None
    assert status == 200, f"{status} from {page.url}"
    if h1 is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text(h1)
    checker.check()


def open_page(page, checker, path, h1):
    response = page.goto(path)
    assert response.status == 200, f"{response.status} from {page.url}"
    expect(page.get_by_role("heading", level=1)).to_have_text(h1)
    checker.check()


def link(page, name):
    return page.get_by_role("main").get_by_role("link", name=name, exact=True)
