"""Every page in every state with axe-core and at 320 px, part "reports_and_actions" (tests/browser/every_page.py).

The draft report and its factual-accuracy check, sign-off and publication, the action plan, and
pages with a message after saving.
"""

from tests.browser import every_page

pytestmark = every_page.pytestmark


def test_the_report_and_action_plan_pages_pass_axe(
    browser, live_server, partnership, business_manager, reviewer, review, tmp_path, tmp_path_factory
):
    every_page.walk(
        "reports_and_actions",
        browser=browser,
        live_server=live_server,
        partnership=partnership,
        business_manager=business_manager,
        reviewer=reviewer,
        review=review,
        tmp_path=tmp_path,
        tmp_path_factory=tmp_path_factory,
    )
