"""Every page in every state with axe-core and at 320 px, part "partnership_and_reviews" (tests/browser/every_page.py).

The public pages, the partnership's own pages (its staff, audit log, single sign-on, factsheets,
agencies and directory) and the reviews'.
"""

from tests.browser import every_page

pytestmark = every_page.pytestmark


def test_the_public_partnership_and_review_pages_pass_axe(
    browser, live_server, partnership, business_manager, reviewer, review, tmp_path, tmp_path_factory
):
    every_page.walk(
        "partnership_and_reviews",
        browser=browser,
        live_server=live_server,
        partnership=partnership,
        business_manager=business_manager,
        reviewer=reviewer,
        review=review,
        tmp_path=tmp_path,
        tmp_path_factory=tmp_path_factory,
    )
