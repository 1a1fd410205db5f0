"""A checker's side of the factual-accuracy check: the link, reading, comments, and everyone refused."""

import io
import re
from datetime import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from core import links
from core.models import AuditEntry
from notifications.models import OutboundMessage
from practitioners.models import Agency
from reports import circulation
from reports.circulation import Person
from reports.models import Checker, Comment, ReportVersion, SignOff
from reviews.models import Review
from tests.reports.test_circulation import CIRCULATED, LONDON, make_version

pytestmark = pytest.mark.django_db

# Circulated on Monday 21 December 2026 for 5 working days: due by the end of Wednesday 30 December.
LAST_MINUTE = datetime(2026, 12, 30, 23, 59, tzinfo=LONDON)
TOO_LATE = datetime(2026, 12, 31, 0, 1, tzinfo=LONDON)
UNAVAILABLE = "The draft report is not available"


@pytest.fixture
def frozen():
    with time_machine.travel(CIRCULATED, tick=False) as traveller:
        yield traveller


def send_out(review, names, by=None, number=1):
    """Circulate a fresh version of `review` to `names`; {name: (checker, token)} from the emailed links."""
    police, _ = Agency.objects.get_or_create(partnership=review.partnership, name="Northvale Police")
    people = [
        Person(role="attendee", name=name, email=f"{name.split()[0].lower()}@police.example", agency=police)
        for name in names
    ]
    sent = circulation.circulate(make_version(review, number), people=people, working_days=5, started_by=by)
    result = {}
    for checker in sent.checkers.all():
        email = OutboundMessage.objects.get(idempotency_key=f"draft-circulated:{checker.pk}")
        token = re.search(r"/draft-report/([^/\s]+)/", email.body_text).group(1)
        assert checker.token_hash == links.hash_token(token)
        result[checker.name] = (checker, token)
    return result


@pytest.fixture
def checkers(frozen, review, business_manager):
    return send_out(review, ["Sam Green", "Lee Patel"], by=business_manager)


@pytest.fixture
def other_review(partnership, reviewer):
    other = Review.objects.create(
        partnership=partnership,
        review_type=Review.Type.SAR,
        reference="SAR 2026-02",
        pseudonym="Adult C",
        scope_start="2025-01-01",
        scope_end="2025-06-30",
    )
    other.reviewers.add(reviewer)
    return other


def opened(token, accept=True):
    """A browser that pressed the link's button and, unless told not to, accepted the draft's terms."""
    browser = Client()
    response = browser.post(reverse("draft:start", args=[token]))
    assert response.status_code == 302 and response["Location"] == reverse("draft:read")
    if accept:
        response = browser.post(reverse("draft:terms"), {"agree": "on"})
        assert response.status_code == 302 and response["Location"] == reverse("draft:read")
    return browser


def comment_form(paragraph="2", text="The visit was in April, not March.", correction="April 2025"):
    return {"paragraph": paragraph, "text": text, "correction": correction}


def draft_actions():
    return list(AuditEntry.objects.filter(action__startswith="draft.").order_by("pk").values_list("action", flat=True))


# The link -------------------------------------------------------------------------------------


def test_opening_the_link_changes_nothing_until_the_button_is_pressed(checkers):
    sam, token = checkers["Sam Green"]
    browser = Client()
    page = browser.get(reverse("draft:start", args=[token]))
    assert page.status_code == 200 and "Read the draft report" in page.content.decode()
    assert "Wednesday 30 December 2026" in page.content.decode()
    assert browser.head(reverse("draft:start", args=[token])).status_code == 200
    assert "link:draft" not in browser.session
    assert browser.get(reverse("draft:read")).status_code == 403
    sam.refresh_from_db()
    assert sam.read_count == 0 and sam.first_read_at is None and draft_actions() == []

    assert browser.post(reverse("draft:start", args=[token])).status_code == 302
    assert browser.get(reverse("draft:read"))["Location"] == reverse("draft:terms")
    assert browser.post(reverse("draft:terms"), {"agree": "on"})["Location"] == reverse("draft:read")
    page = browser.get(reverse("draft:read"))
    text = page.content.decode()
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    assert "Draft — for factual-accuracy check only — Sam Green" in text
    assert 'id="paragraph-2"' in text and "The health visitor saw the family in March 2025." in text
    assert "Wednesday 30 December 2026" in text and "I have no comments" in text
    sam.refresh_from_db()
    assert sam.read_count == 1 and sam.first_read_at == CIRCULATED
    assert draft_actions() == ["draft.terms_accepted", "draft.viewed"]
    assert token not in str(list(AuditEntry.objects.values_list("detail", flat=True)))


def test_bad_and_stopped_links_get_one_plain_page_and_guessing_is_limited(checkers, business_manager):
    sam, token = checkers["Sam Green"]
    for bad in ("not-a-token", token[:-2]):
        response = Client().post(reverse("draft:start", args=[bad]))
        assert response.status_code == 404 and UNAVAILABLE in response.content.decode()
    circulation.stop_link(sam, stopped_by=business_manager)
    response = Client().get(reverse("draft:start", args=[token]))
    assert response.status_code == 404 and UNAVAILABLE in response.content.decode()

    lee_token = checkers["Lee Patel"][1]
    for n in range(20):
        Client().get(reverse("draft:start", args=[f"guess-{n}"]))
    assert Client().get(reverse("draft:start", args=["guess-more"])).status_code == 429
    # Only bad links count: a working one still opens from the same address.
    assert Client().get(reverse("draft:start", args=[lee_token])).status_code == 200


def test_stopping_a_link_closes_a_browser_already_reading(checkers, business_manager):
    sam, token = checkers["Sam Green"]
    browser = opened(token)
    assert browser.get(reverse("draft:read")).status_code == 200
    circulation.stop_link(sam, stopped_by=business_manager)
    response = browser.get(reverse("draft:read"))
    assert response.status_code == 403 and UNAVAILABLE in response.content.decode()


def test_without_a_link_every_page_refuses(checkers):
    sam, _ = checkers["Sam Green"]
    comment = Comment.objects.create(checker=sam, paragraph=1, text="Wrong date.")
    browser = Client()
    for url in (reverse("draft:read"), reverse("draft:download"), reverse("draft:comment_add")):
        assert browser.get(url).status_code == 403
    for url in (
        reverse("draft:comment_add"),
        reverse("draft:comment_edit", args=[comment.pk]),
        reverse("draft:comment_delete", args=[comment.pk]),
        reverse("draft:submit"),
        reverse("draft:no_comments"),
    ):
        assert browser.post(url, comment_form()).status_code == 403
    assert Comment.objects.get().text == "Wrong date." and Checker.objects.get(pk=sam.pk).responded_at is None


def test_a_checker_of_another_review_cannot_reach_its_comments(checkers, other_review):
    theirs = send_out(other_review, ["Kim Lowe"])["Kim Lowe"]
    kim_comment = Comment.objects.create(checker=theirs[0], paragraph=1, text="Not what happened.")
    token = checkers["Sam Green"][1]
    lee_comment = Comment.objects.create(checker=checkers["Lee Patel"][0], paragraph=3, text="Lee's own.")
    browser = opened(token)
    for comment in (kim_comment, lee_comment):
        assert browser.get(reverse("draft:comment_edit", args=[comment.pk])).status_code == 404
        response = browser.post(reverse("draft:comment_edit", args=[comment.pk]), comment_form())
        assert response.status_code == 404 and UNAVAILABLE in response.content.decode()
        assert browser.post(reverse("draft:comment_delete", args=[comment.pk])).status_code == 404
    page = browser.get(reverse("draft:read")).content.decode()
    assert "SAR 2026-02" not in page and "Not what happened." not in page and "Lee&#x27;s own." not in page
    assert Comment.objects.get(pk=kim_comment.pk).text == "Not what happened."
    assert Comment.objects.get(pk=lee_comment.pk).paragraph == 3


# Comments -------------------------------------------------------------------------------------


def test_a_comment_on_a_paragraph_that_does_not_exist_is_refused_with_nothing_saved(checkers):
    browser = opened(checkers["Sam Green"][1])
    for paragraph in ("0", "4"):
        page = browser.post(reverse("draft:comment_add"), comment_form(paragraph=paragraph)).content.decode()
        assert "Enter a paragraph number between 1 and 3" in page and "govuk-error-summary" in page
    page = browser.post(reverse("draft:comment_add"), comment_form(paragraph="two")).content.decode()
    assert "Enter the paragraph number as a whole number" in page
    page = browser.post(reverse("draft:comment_add"), comment_form(text="")).content.decode()
    assert "Enter what is not accurate" in page
    assert not Comment.objects.exists() and "draft.comment_added" not in draft_actions()


def test_comments_are_added_sent_changed_and_deleted(checkers):
    sam, token = checkers["Sam Green"]
    browser = opened(token)
    assert 'value="3"' in browser.get(reverse("draft:comment_add") + "?paragraph=3").content.decode()
    response = browser.post(reverse("draft:comment_add"), comment_form(), follow=True)
    page = response.content.decode()
    assert "Your comment is saved. Send your comments when you have finished." in page
    assert "Paragraph 2" in page and "The visit was in April, not March." in page and "April 2025" in page
    assert "Send my comments" in page and "I have no comments" not in page
    comment = Comment.objects.get(checker=sam)
    assert (comment.paragraph, comment.correction) == (2, "April 2025")
    assert Checker.objects.get(pk=sam.pk).responded_at is None

    page = browser.post(reverse("draft:submit"), follow=True).content.decode()
    assert "Your comments are sent to the reviewer" in page
    assert Checker.objects.get(pk=sam.pk).responded_at == CIRCULATED

    response = browser.post(reverse("draft:comment_edit", args=[comment.pk]), comment_form(paragraph="3"), follow=True)
    assert "Your comment is changed. The reviewer can see it." in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).paragraph == 3
    assert Checker.objects.get(pk=sam.pk).responded_at == CIRCULATED

    browser.post(reverse("draft:comment_delete", args=[comment.pk]))
    assert not Comment.objects.exists()
    # Nothing is left of what they sent: they need to answer again.
    assert Checker.objects.get(pk=sam.pk).responded_at is None
    assert draft_actions() == [
        "draft.terms_accepted",
        "draft.comment_added",
        "draft.viewed",
        "draft.comments_sent",
        "draft.viewed",
        "draft.comment_changed",
        "draft.viewed",
        "draft.comment_deleted",
    ]


def test_a_comment_the_reviewer_has_answered_cannot_be_changed(checkers, reviewer):
    sam, token = checkers["Sam Green"]
    comment = Comment.objects.create(checker=sam, paragraph=1, text="Wrong.", response="accepted")
    browser = opened(token)
    response = browser.get(reverse("draft:comment_edit", args=[comment.pk]), follow=True)
    assert "already answered this comment" in response.content.decode()
    browser.post(reverse("draft:comment_edit", args=[comment.pk]), comment_form())
    browser.post(reverse("draft:comment_delete", args=[comment.pk]))
    assert Comment.objects.get(pk=comment.pk).text == "Wrong."


def test_saying_there_are_no_comments(checkers):
    sam, token = checkers["Sam Green"]
    browser = opened(token)
    assert "Add a comment before you send" in browser.post(reverse("draft:submit"), follow=True).content.decode()
    page = browser.post(reverse("draft:no_comments"), follow=True).content.decode()
    assert "We have recorded that you have no comments" in page and "that you have no comments" in page
    sam.refresh_from_db()
    assert sam.no_comments and sam.responded_at == CIRCULATED

    # A comment added afterwards replaces the answer, until it is sent.
    browser.post(reverse("draft:comment_add"), comment_form())
    sam.refresh_from_db()
    assert not sam.no_comments and sam.responded_at is None
    page = browser.post(reverse("draft:no_comments"), follow=True).content.decode()
    assert "Delete them first" in page
    assert not Checker.objects.get(pk=sam.pk).no_comments


# When the check is over -----------------------------------------------------------------------


def test_comments_can_change_until_the_end_of_the_deadline_day_then_everything_is_refused(frozen, checkers):
    sam, token = checkers["Sam Green"]
    browser = opened(token)
    browser.post(reverse("draft:comment_add"), comment_form())
    comment = Comment.objects.get()

    # A link's browser session lasts a couple of hours: open it again on the last day.
    frozen.move_to(LAST_MINUTE)
    browser = opened(token)
    browser.post(reverse("draft:comment_edit", args=[comment.pk]), comment_form(text="Changed at the last minute."))
    assert Comment.objects.get().text == "Changed at the last minute."

    frozen.move_to(TOO_LATE)
    for response in (
        browser.get(reverse("draft:read")),
        browser.post(reverse("draft:comment_edit", args=[comment.pk]), comment_form(text="Too late.")),
        browser.post(reverse("draft:comment_add"), comment_form(text="Too late.")),
        browser.post(reverse("draft:submit")),
        browser.post(reverse("draft:no_comments")),
        browser.post(reverse("draft:comment_delete", args=[comment.pk])),
        Client().post(reverse("draft:start", args=[token])),
    ):
        assert response.status_code in (403, 404) and UNAVAILABLE in response.content.decode()
    assert [c.text for c in Comment.objects.all()] == ["Changed at the last minute."]
    assert Checker.objects.get(pk=sam.pk).responded_at is None


def test_after_sign_off_the_reader_is_refused(checkers, review):
    sam, token = checkers["Sam Green"]
    browser = opened(token)
    SignOff.objects.create(
        review=review,
        version=sam.circulation.version,
        body="Partnership executive",
        signed_off_on=CIRCULATED.date(),
        minute_reference="M1",
    )
    assert browser.get(reverse("draft:read")).status_code == 403
    assert browser.post(reverse("draft:comment_add"), comment_form()).status_code == 403
    assert Client().post(reverse("draft:start", args=[token])).status_code == 404
    assert not Comment.objects.exists()


def test_when_the_check_closes_the_reader_is_refused(checkers, business_manager):
    sam, token = checkers["Sam Green"]
    browser = opened(token)
    circulation.close_circulation(sam.circulation, reason="signed off", by=business_manager)
    assert browser.get(reverse("draft:read")).status_code == 403
    assert browser.get(reverse("draft:download")).status_code == 403
    assert Client().get(reverse("draft:start", args=[token])).status_code == 404


# The stamped copy -----------------------------------------------------------------------------


def test_the_download_is_a_stamped_pdf_counted_and_audited(checkers):
    sam, token = checkers["Sam Green"]
    browser = opened(token)
    response = browser.get(reverse("draft:download"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "draft-report-CSPR-2026-01-version-1.pdf" in response["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Sam Green" in " ".join(text.split()) and "factual-accuracy check only" in " ".join(text.split())
    sam.refresh_from_db()
    assert sam.download_count == 1 and sam.first_read_at == CIRCULATED
    assert draft_actions() == ["draft.terms_accepted", "draft.downloaded"]


# The confidentiality terms, before any of the draft is shown ----------------------------------


def test_nothing_of_the_draft_is_shown_until_the_terms_are_accepted(checkers, business_manager, review):
    sam, token = checkers["Sam Green"]
    browser = opened(token, accept=False)
    terms = reverse("draft:terms")
    for url in (reverse("draft:read"), reverse("draft:download"), reverse("draft:comment_add") + "?paragraph=2"):
        response = browser.get(url)
        assert response.status_code == 302 and response["Location"] == terms
    for url in (reverse("draft:comment_add"), reverse("draft:submit"), reverse("draft:no_comments")):
        assert browser.post(url, comment_form())["Location"] == terms
    sam.refresh_from_db()
    assert (sam.read_count, sam.download_count, sam.first_read_at, sam.responded_at) == (0, 0, None, None)
    assert not Comment.objects.exists() and draft_actions() == []

    page = browser.get(terms).content.decode()
    assert "Before you read the draft report" in page and "Do not share it" in page
    assert "The health visitor saw the family" not in page and "Wednesday 30 December 2026" in page
    # Without the box ticked: the error names it, and nothing is recorded.
    page = browser.post(terms, {}).content.decode()
    assert "Confirm that you accept the terms to read the draft report" in page and 'href="#id_agree"' in page
    assert Checker.objects.get(pk=sam.pk).terms_accepted_at is None and draft_actions() == []

    response = browser.post(terms, {"agree": "on"})
    assert response["Location"] == reverse("draft:read")
    assert Checker.objects.get(pk=sam.pk).terms_accepted_at == CIRCULATED
    entry = AuditEntry.objects.get(action="draft.terms_accepted")
    assert entry.actor_label == "checker" and entry.object_id == str(sam.pk)
    # Accepted once: the terms page now leads on, and pressing again records nothing more.
    assert browser.get(terms)["Location"] == reverse("draft:read")
    browser.post(terms, {"agree": "on"})
    assert draft_actions() == ["draft.terms_accepted"]
    assert browser.get(reverse("draft:read")).status_code == 200
    assert browser.get(reverse("draft:download")).status_code == 200

    # The business manager sees when each checker accepted, as for the summary's readers.
    staff = Client()
    staff.force_login(business_manager)
    page = staff.get(reverse("reports:report_check_progress", args=[review.partnership.slug, review.pk]))
    text = page.content.decode()
    assert "Terms accepted" in text and "21 December 2026, 9am" in text and "Not yet" in text


def test_the_terms_page_refuses_anyone_without_the_link(checkers):
    assert Client().get(reverse("draft:terms")).status_code == 403
    assert Client().post(reverse("draft:terms"), {"agree": "on"}).status_code == 403
    assert not Checker.objects.filter(terms_accepted_at__isnull=False).exists()


# Commenting on a paragraph from beside it -----------------------------------------------------


def test_each_paragraph_has_a_link_to_comment_on_it_and_the_form_shows_its_text(checkers):
    browser = opened(checkers["Sam Green"][1])
    page = browser.get(reverse("draft:read")).content.decode()
    for number in (1, 2, 3):
        href = f'href="{reverse("draft:comment_add")}?paragraph={number}"'
        assert f"{href}>Comment on paragraph {number}</a>" in page
    # Each link comes after its own paragraph.
    assert page.index("saw the family in March 2025.") < page.index("Comment on paragraph 2<")
    assert page.index("Comment on paragraph 2<") < page.index("Police attended the home")

    form = browser.get(reverse("draft:comment_add"), {"paragraph": "2"}).content.decode()
    assert 'value="2"' in form and "Paragraph 2 of the draft says" in form
    assert "The health visitor saw the family in March 2025." in form
    assert "Police attended the home" not in form
    # A mistake keeps the chosen paragraph and its text beside the error.
    form = browser.post(reverse("draft:comment_add"), comment_form(paragraph="3", text="")).content.decode()
    assert "Enter what is not accurate" in form and "Police attended the home on 4 June 2025." in form


def test_a_pdf_draft_has_a_link_beside_each_page(frozen, review, business_manager):
    from core import numbering
    from tests.reports.documents import pdf

    body, count = numbering.pdf_pages_html(pdf(["The family moved in May.", "The school raised a concern."]))
    version = ReportVersion.objects.create(
        review=review,
        number=1,
        source=ReportVersion.Source.PDF,
        body_html=body,
        unit_count=count,
        name_check_at=CIRCULATED,
    )
    person = Person(role="attendee", name="Sam Green", email="sam@police.example")
    circulation.circulate(version, people=[person], working_days=5, started_by=business_manager)
    email = OutboundMessage.objects.get(kind="draft_circulated")
    token = re.search(r"/draft-report/([^/\s]+)/", email.body_text).group(1)
    browser = opened(token)
    page = browser.get(reverse("draft:read")).content.decode()
    assert "Comment on page 1</a>" in page and "Comment on page 2</a>" in page
    assert "Comment on paragraph" not in page

    form = browser.get(reverse("draft:comment_add"), {"paragraph": "2"}).content.decode()
    assert "Page number" in form and 'value="2"' in form and "Page 2 of the draft says" in form
    assert "The school raised a concern." in form and "The family moved in May." not in form


# What the draft report page says of the check --------------------------------------------------


def test_the_report_page_says_one_thing_per_count_and_when_comments_are_due(frozen, checkers, review, business_manager):
    _, token = checkers["Sam Green"]
    browser = opened(token)
    browser.post(reverse("draft:comment_add"), comment_form())
    browser.post(reverse("draft:comment_add"), comment_form(paragraph="3", text="It was 5 June."))
    browser.post(reverse("draft:submit"))
    staff = Client()
    staff.force_login(business_manager)
    report_page = reverse("reports:report_home", args=[review.partnership.slug, review.pk])
    page = " ".join(staff.get(report_page).content.decode().split())
    assert "1 of 2 checkers has answered" in page
    assert "0 of 2 comments answered" in page
    assert "Comments are due by the end of Wednesday 30 December 2026" in page
    responses_page = reverse("reports:report_responses", args=[review.partnership.slug, review.pk])
    assert "Comments are due by the end of Wednesday 30 December 2026" in staff.get(responses_page).content.decode()

    frozen.move_to(TOO_LATE)
    staff.force_login(business_manager)  # a new day's sign-in
    page = " ".join(staff.get(report_page).content.decode().split())
    assert "Comments were due by the end of Wednesday 30 December 2026" in page
    assert "are due" not in page


def test_a_comment_link_sits_after_its_own_words_never_inside_a_heading_and_text_stays_escaped():
    from core import numbering

    body, _ = numbering.number_html(
        "<h2>Background</h2><p>First &lt;script&gt; &amp; <strong>bold</strong>.</p>"
        "<ul><li>One<ul><li>Inner</li></ul></li></ul>"
    )
    html = numbering.with_links(
        numbering.clean(body), lambda word, n, block: f"[{word} {n}{' block' if block else ''}]"
    )
    assert " Background</h2>[paragraph 1 block]<p" in html
    assert "First &lt;script&gt; &amp; <strong>bold</strong>.</p>[paragraph 2 block]" in html
    # A list item's link comes before the list inside it, and an inner item's at its end.
    assert " One[paragraph 3]<ul>" in html and " Inner[paragraph 4]</li></ul></li></ul>" in html


def test_a_deadline_is_due_until_its_day_is_over():
    from datetime import date

    from core.formatting import due_by

    deadline = date(2026, 12, 30)
    assert due_by(deadline, today=date(2026, 12, 29)) == "are due by the end of Wednesday 30 December 2026"
    assert due_by(deadline, today=deadline) == "are due by the end of Wednesday 30 December 2026"
    assert due_by(deadline, today=date(2026, 12, 31)) == "were due by the end of Wednesday 30 December 2026"
