"""Every page in every state with axe-core and at 320 px, part "empty_and_accounts" (tests/browser/every_page.py).

An empty partnership and review, agencies' written accounts, staff's own account pages, and the pages
people see when refused or signing in.
"""

from tests.browser import every_page

pytestmark = every_page.pytestmark


def test_the_empty_states_accounts_and_refusals_pass_axe(
    browser, live_server, partnership, business_manager, reviewer, review, tmp_path, tmp_path_factory
):
    every_page.walk(
        "empty_and_accounts",
        browser=browser,
        live_server=live_server,
        partnership=partnership,
        business_manager=business_manager,
        reviewer=reviewer,
        review=review,
        tmp_path=tmp_path,
        tmp_path_factory=tmp_path_factory,
    )
