"""Every page in every state with axe-core and at 320 px, part "links_and_emails" (tests/browser/every_page.py).

Everyone who follows a personal link (practitioners, safeguarding leads, checkers, action owners),
the partnership's emails and every kind of email, and sending the invitations.
"""

from tests.browser import every_page

pytestmark = every_page.pytestmark


def test_the_link_holders_and_email_pages_pass_axe(
    browser, live_server, partnership, business_manager, reviewer, review, tmp_path, tmp_path_factory
):
    every_page.walk(
        "links_and_emails",
        browser=browser,
        live_server=live_server,
        partnership=partnership,
        business_manager=business_manager,
        reviewer=reviewer,
        review=review,
        tmp_path=tmp_path,
        tmp_path_factory=tmp_path_factory,
    )
