"""The draft report from upload to publication, in real browsers, with axe-core on every page.

The reviewer uploads a draft that names a practitioner, is shown where, uploads a corrected
version and marks a street name as not a person; the business manager circulates it; the
practitioner (no account, a browser of their own) follows the emailed link, accepts the draft's
confidentiality terms and comments on a paragraph from the link beside it; the reviewer answers
"Amended"; sign-off refuses the version without the amendment; the reviewer uploads the amended
version; the business manager records its sign-off and publishes; the public reads the report
without signing in.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Attendance, Event, Invitation
from practitioners.models import Agency, Practitioner
from reports.models import Circulation, ReportVersion
from reviews.models import Review
from reviews.services import record_timeline
from tests.browser.conftest import AccessibilityChecker
from tests.browser.journey import follow, open_page, sign_in, signed_in_context
from tests.reports.documents import docx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_DRAFT = [
    "Introduction",
    "Lee Porter, a police constable, visited the family twice in March.",
    "The school shared its concerns with children's social care.",
]
SECOND_DRAFT = [
    "Introduction",
    "A police constable visited the family at their home on Lee Porter Road twice in March.",
    "The school shared its concerns with children's social care.",
]
THIRD_DRAFT = [
    "Introduction",
    "A police constable visited the family at their home on Lee Porter Road three times in March.",
    "The school shared its concerns with children's social care.",
]


@pytest.fixture
def held_event(review, reviewer):
    """An event held last week, which Lee Porter of Northvale Police attended."""
    partnership = review.partnership
    police = Agency.objects.create(
        partnership=partnership, name="Northvale Police", lead_name="Dee Khan", lead_email="dee.khan@police.example"
    )
    person = Practitioner.objects.create(
        partnership=partnership,
        full_name="Lee Porter",
        job_title="Police constable",
        agency=police,
        email="lee.porter@police.example",
    )
    start = (timezone.localtime() - timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    event = Event.objects.create(
        review=review,
        title="Practitioner learning event",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        venue_name="Northvale Civic Centre",
        venue_address="1 High Street",
        chair=reviewer,
        capacity=10,
        rsvp_deadline=timezone.localdate() - timedelta(days=10),
        status=Event.Status.HELD,
    )
    Invitation.objects.create(
        event=event, practitioner=person, status=Invitation.Status.ACCEPTED, attendance=Attendance.ATTENDED
    )
    return event


def upload(page, checker, tmp_path, name, paragraphs):
    path = tmp_path / name
    path.write_bytes(docx(paragraphs))
    page.get_by_label("The draft report file").set_input_files(path)
    follow(page, checker, page.get_by_role("button", name=re.compile("Upload")), re.compile("Draft report"))


def emailed_link(address, pattern):
    for message in reversed(mail.outbox):
        if address in message.to:
            found = re.search(pattern, message.body)
            if found:
                return found[1]
    raise AssertionError(f"no email to {address} with a link like {pattern}")


def test_a_draft_goes_from_upload_to_publication(
    page, a11y, browser, live_server, tmp_path, review, reviewer, business_manager, held_event
):
    slug = review.partnership.slug
    report = f"/p/{slug}/reviews/{review.pk}/report/"
    mail.outbox.clear()

    # 1. The reviewer uploads a first draft: the check finds the practitioner's name.
    sign_in(page.context, live_server, reviewer)
    open_page(page, a11y, f"/p/{slug}/reviews/{review.pk}/", re.compile(review.reference))
    follow(page, a11y, page.get_by_role("link", name="Draft report"), "Draft report")
    upload(page, a11y, tmp_path, "draft-1.docx", FIRST_DRAFT)
    open_page(page, a11y, f"{report}versions/1/", "Draft report, version 1")
    expect(page.get_by_role("main")).to_contain_text("Lee Porter")
    expect(page.get_by_role("main")).to_contain_text("paragraph 2")

    # 2. A corrected version: only the street name is left, which the reviewer marks as not a person.
    open_page(page, a11y, report, "Draft report")
    upload(page, a11y, tmp_path, "draft-2.docx", SECOND_DRAFT)
    open_page(page, a11y, f"{report}versions/2/", "Draft report, version 2")
    page.get_by_label("Why is this not a person?").fill("It is the name of a road.")
    follow(
        page,
        a11y,
        page.get_by_role("button", name=re.compile("not a person", re.IGNORECASE)),
        "Draft report, version 2",
    )
    expect(page.get_by_role("main")).to_contain_text("It is the name of a road.")

    # 3. The business manager sends version 2 to those who attended and to the agency's safeguarding lead.
    manager = signed_in_context(browser, live_server, business_manager).new_page()
    manager_a11y = AccessibilityChecker(manager)
    open_page(manager, manager_a11y, f"{report}versions/2/circulate/", re.compile("Send version 2"))
    expect(manager.get_by_label("Lee Porter", exact=False)).to_be_checked()
    expect(manager.get_by_label("Dee Khan", exact=False)).to_be_checked()
    manager.get_by_label("Working days to check it").fill("10")
    follow(manager, manager_a11y, manager.get_by_role("button", name=re.compile("Continue|Check")), re.compile("Check"))
    follow(
        manager,
        manager_a11y,
        manager.get_by_role("button", name="Send the draft for checking"),
        re.compile("Factual-accuracy check|Draft report"),
    )
    review.refresh_from_db()
    assert review.status == Review.Status.FACTUAL_ACCURACY

    # 4. The practitioner follows their emailed link in a browser of their own and comments on paragraph 2.
    link = emailed_link("lee.porter@police.example", r"https?://[^/\s]+(/draft-report/[\w-]+/)")
    practitioner = browser.new_context(base_url=live_server.url).new_page()
    practitioner_a11y = AccessibilityChecker(practitioner)
    open_page(practitioner, practitioner_a11y, link, "Check the draft report for factual accuracy")
    follow(
        practitioner,
        practitioner_a11y,
        practitioner.get_by_role("button", name=re.compile("Read the draft report")),
        "Before you read the draft report",
    )
    # Nothing of the draft until the terms are accepted: not the page, not the PDF.
    expect(practitioner.get_by_role("main")).not_to_contain_text("Lee Porter Road")
    assert practitioner.request.get("/draft-report/download/", max_redirects=0).status == 302
    follow(
        practitioner,
        practitioner_a11y,
        practitioner.get_by_role("button", name="Accept and read the draft report"),
        "Before you read the draft report",
    )
    expect(practitioner.locator(".govuk-error-summary")).to_contain_text(
        "Confirm that you accept the terms to read the draft report"
    )
    practitioner.get_by_label("I accept these terms").check()
    follow(
        practitioner,
        practitioner_a11y,
        practitioner.get_by_role("button", name="Accept and read the draft report"),
        "Draft report, version 2",
    )
    expect(practitioner.get_by_role("main")).to_contain_text("Lee Porter Road")
    # Beside paragraph 2, its own link: the form shows that paragraph and has its number filled in.
    follow(
        practitioner,
        practitioner_a11y,
        practitioner.get_by_role("link", name="Comment on paragraph 2", exact=True),
        "Add a comment",
    )
    expect(practitioner.locator("#unit-text")).to_contain_text("Paragraph 2 of the draft says")
    expect(practitioner.locator("#unit-text")).to_contain_text("visited the family at their home on Lee Porter Road")
    expect(practitioner.get_by_label("Paragraph number")).to_have_value("2")
    practitioner.get_by_label("What is not accurate").fill("I visited three times in March, not twice.")
    practitioner.get_by_label("Your proposed correction (optional)").fill("visited the family three times")
    follow(
        practitioner,
        practitioner_a11y,
        practitioner.get_by_role("button", name="Save comment"),
        "Draft report, version 2",
    )
    follow(
        practitioner,
        practitioner_a11y,
        practitioner.get_by_role("button", name="Send my comments"),
        "Draft report, version 2",
    )
    expect(practitioner.get_by_role("main")).to_contain_text("three times")

    # 5. The reviewer answers the comment.
    open_page(page, a11y, f"{report}responses/", "Comments on the draft report")
    expect(page.get_by_role("main")).to_contain_text("I visited three times in March, not twice.")
    page.get_by_role("radio", name="Amended").check()
    page.get_by_label("If amended, what did you change?").fill("Paragraph 2 now says three visits.")
    follow(
        page,
        a11y,
        page.get_by_role("button", name=re.compile("Save your answer")),
        "Comments on the draft report",
    )
    expect(page.get_by_role("main")).to_contain_text("Paragraph 2 now says three visits.")

    # Weeks pass: the check went out long before the meeting, and its deadline is over (sign-off waits for
    # it, and cannot be dated before the draft went out).
    ReportVersion.objects.filter(review=review).update(created_at=timezone.now() - timedelta(days=60))
    Circulation.objects.filter(review=review).update(
        started_at=timezone.now() - timedelta(days=45), deadline=timezone.localdate() - timedelta(days=1)
    )

    # 6. Version 2 does not have the amendment, so sign-off refuses it and names the answer.
    def record_sign_off(number):
        open_page(manager, manager_a11y, f"{report}sign-off/", "Record the sign-off")
        manager.get_by_label(re.compile(f"Version {number}")).check()
        manager.get_by_label("Who signed it off?").fill("Safeguarding Partnership Executive")
        # Signed off a month ago; the final report went out after that (below).
        today = timezone.localdate() - timedelta(days=30)
        manager.get_by_role("textbox", name="Day").fill(str(today.day))
        manager.get_by_role("textbox", name="Month").fill(str(today.month))
        manager.get_by_role("textbox", name="Year").fill(str(today.year))
        manager.get_by_label("Minute reference").fill("SPE 2026/41")
        manager.get_by_label("I understand that sign-off cannot be undone").check()
        follow(manager, manager_a11y, manager.get_by_role("button", name=re.compile("sign-off", re.IGNORECASE)), None)

    record_sign_off(2)
    expect(manager.get_by_role("main")).to_contain_text(
        "Version 2 does not include 1 answer saying the report changed "
        "(the comment on paragraph 2 of version 2, answered Amended)"
    )
    review.refresh_from_db()
    assert review.status == Review.Status.FACTUAL_ACCURACY

    # The reviewer uploads version 3 with the amendment; the business manager records its sign-off.
    open_page(page, a11y, report, "Draft report")
    upload(page, a11y, tmp_path, "draft-3.docx", THIRD_DRAFT)
    open_page(page, a11y, f"{report}versions/3/", "Draft report, version 3")
    page.get_by_label("Why is this not a person?").fill("It is the name of a road.")
    follow(
        page,
        a11y,
        page.get_by_role("button", name=re.compile("not a person", re.IGNORECASE)),
        "Draft report, version 3",
    )
    ReportVersion.objects.filter(review=review, number=3).update(created_at=timezone.now() - timedelta(days=35))
    record_sign_off(3)
    review.refresh_from_db()
    assert review.status == Review.Status.SIGNED_OFF
    assert review.sign_off.version.number == 3

    # After sign-off the practitioner's link no longer opens the draft.
    response = practitioner.goto("/draft-report/read/")
    assert response.status in (403, 404, 410)
    practitioner_a11y.check()

    # 7. The final report went to the national panel three weeks ago; the business manager publishes it and
    # tells the practitioners.
    record_timeline(
        review=review,
        data={"final_report_sent_on": timezone.localdate() - timedelta(days=21)},
        recorded_by=business_manager,
    )
    open_page(manager, manager_a11y, f"{report}publication/", "Publish the report")
    follow(manager, manager_a11y, manager.get_by_role("button", name="Publish the report"), None)
    follow(manager, manager_a11y, manager.get_by_role("button", name="Tell the practitioners"), None)
    review.refresh_from_db()
    assert review.status == Review.Status.PUBLISHED
    assert any(
        "lee.porter@police.example" in message.to and "published" in message.subject.lower() for message in mail.outbox
    )

    # 8. Anyone can read it, without signing in: the page and the PDF, with no draft stamp.
    public = browser.new_context(base_url=live_server.url).new_page()
    public_a11y = AccessibilityChecker(public)
    open_page(public, public_a11y, f"/published/{slug}/", "Published reviews")
    follow(
        public, public_a11y, public.get_by_role("link", name=re.compile(review.pseudonym)), re.compile(review.pseudonym)
    )
    expect(public.get_by_role("main")).to_contain_text("Lee Porter Road")
    expect(public.get_by_role("main")).not_to_contain_text("for factual-accuracy check only")
    pdf = public.get_by_role("link", name=re.compile("PDF"))
    response = public.request.get(pdf.get_attribute("href"))
    assert response.status == 200
    assert response.body().startswith(b"%PDF-")

    for checker in (manager_a11y, practitioner_a11y, public_a11y):
        checker.assert_clean()
