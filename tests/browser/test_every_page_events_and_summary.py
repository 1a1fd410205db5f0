"""Every page in every state with axe-core and at 320 px, part "events_and_summary" (tests/browser/every_page.py).

Events across reviews and each event's pages: invitees, witnesses, access needs, the confidential
summary, the day itself and the reviewer's private notes.
"""

from tests.browser import every_page

pytestmark = every_page.pytestmark


def test_the_event_and_summary_pages_pass_axe(
    browser, live_server, partnership, business_manager, reviewer, review, tmp_path, tmp_path_factory
):
    every_page.walk(
        "events_and_summary",
        browser=browser,
        live_server=live_server,
        partnership=partnership,
        business_manager=business_manager,
        reviewer=reviewer,
        review=review,
        tmp_path=tmp_path,
        tmp_path_factory=tmp_path_factory,
    )
