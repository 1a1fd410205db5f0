"""The reviewer's answers to factual-accuracy comments, and the comment report."""

import io
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.errors import DomainError
from core.models import AuditEntry, Membership
from practitioners.models import Agency
from reports import responses
from reports.models import Checker, Circulation, Comment, ReportVersion, SignOff
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

# Helpers shared with test_sign_off.py and test_publication.py: rows made directly, as the
# upload and circulation pages would leave them.

PARAGRAPHS = [
    "Child B lived with their mother and two siblings in Northvale.",
    "The school raised a concern with children's social care in March 2025.",
    "A strategy discussion was held two days later.",
]


# A draft made and sent for checking weeks ago, so that a sign-off dated in the past can follow it.
MADE_DAYS_AGO = 60
SENT_DAYS_AGO = 45


def make_version(review, number=1, *, checked=True, by=None):
    body = "".join(f'<p id="paragraph-{n}">{text}</p>' for n, text in enumerate(PARAGRAPHS, start=1))
    return ReportVersion.objects.create(
        review=review,
        number=number,
        source=ReportVersion.Source.DOCX,
        body_html=body,
        unit_count=len(PARAGRAPHS),
        name_check_at=timezone.now() if checked else None,
        created_by=by,
        created_at=timezone.now() - timedelta(days=MADE_DAYS_AGO),
    )


def make_circulation(version):
    return Circulation.objects.create(
        review=version.review,
        version=version,
        working_days=10,
        deadline=date.today() + timedelta(days=14),
        started_at=timezone.now() - timedelta(days=SENT_DAYS_AGO),
    )


def make_checker(circulation, name, email, agency=None, *, responded=True):
    return Checker.objects.create(
        circulation=circulation,
        role=Checker.Role.ATTENDEE,
        name=name,
        email=email,
        agency=agency,
        token_hash=f"{email:0>64}"[-64:],
        token_expires_at=timezone.now() + timedelta(days=14),
        responded_at=timezone.now() if responded else None,
    )


def make_comment(checker, paragraph, text, correction=""):
    return Comment.objects.create(checker=checker, paragraph=paragraph, text=text, correction=correction)


def responses_url(review):
    return reverse("reports:report_responses", args=[review.partnership.slug, review.pk])


def logged_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def police(partnership):
    return Agency.objects.create(partnership=partnership, name="Northvale Police", agency_type="police")


@pytest.fixture
def school(partnership):
    return Agency.objects.create(partnership=partnership, name="Northvale Primary School", agency_type="education")


@pytest.fixture
def circulation(review):
    return make_circulation(make_version(review))


@pytest.fixture
def comments(circulation, police, school):
    """Two sent comments (one from each agency), and one in a checker's unsent draft."""
    dana = make_checker(circulation, "Dana Price", "dana@police.example", police)
    sam = make_checker(circulation, "Sam Osei", "sam@school.example", school)
    waiting = make_checker(circulation, "Lee Moss", "lee@school.example", school, responded=False)
    return {
        "date": make_comment(dana, 3, "The strategy discussion was the next day.", "Change 'two days' to 'one day'."),
        "school": make_comment(sam, 2, "It was February, not March.", "February 2025"),
        "draft": make_comment(waiting, 1, "Unsent thought about the family."),
    }


@pytest.fixture
def reviewer_client(reviewer):
    return logged_in(reviewer)


def answer(comment, response, **fields):
    data = {"comment": comment.pk, f"comment-{comment.pk}-response": response}
    data |= {f"comment-{comment.pk}-{name}": value for name, value in fields.items()}
    return data


# What staff see -------------------------------------------------------------------------------


def test_staff_see_only_sent_comments_by_paragraph(circulation, comments):
    grouped = responses.comments_by_paragraph(circulation)

    assert [(paragraph, [c.pk for c in items]) for paragraph, items in grouped] == [
        (2, [comments["school"].pk]),
        (3, [comments["date"].pk]),
    ]
    assert responses.progress_by_agency(circulation) == [
        {"agency": "Northvale Police", "asked": 1, "replied": 1, "comments": 1, "answered": 0},
        {"agency": "Northvale Primary School", "asked": 2, "replied": 1, "comments": 1, "answered": 0},
    ]


def test_the_page_lists_sent_comments_with_a_form_for_the_reviewer(reviewer_client, review, comments):
    response = reviewer_client.get(responses_url(review))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Paragraph 2" in page and "Paragraph 3" in page
    assert "It was February, not March." in page
    assert "Dana Price" in page and "Northvale Police" in page
    assert "Unsent thought" not in page
    assert f'name="comment-{comments["date"].pk}-response"' in page
    assert "0</strong> of 2 comments answered" in page


def test_a_business_manager_reads_the_answers_without_a_form(bm_client, review, comments):
    response = bm_client.get(responses_url(review))

    assert response.status_code == 200
    page = response.content.decode()
    assert "It was February, not March." in page
    assert "-response" not in page
    assert "Only the review's independent reviewers answer comments" in page


# Answering ------------------------------------------------------------------------------------


def test_the_reviewer_accepts_a_comment(reviewer_client, reviewer, review, comments):
    comment = comments["school"]

    response = reviewer_client.post(responses_url(review), answer(comment, "accepted"))

    assert response.status_code == 302
    assert response["Location"].endswith(f"?version=1#comment-{comment.pk}")
    comment.refresh_from_db()
    assert (comment.response, comment.response_text, comment.responded_by) == ("accepted", "", reviewer)
    entry = AuditEntry.objects.get(action="comment.answered")
    assert entry.detail == {"version": 1, "paragraph": 2, "response": "accepted", "previous": ""}
    assert "February" not in str(entry.detail)


def test_amended_says_what_changed(reviewer_client, review, comments):
    comment = comments["date"]

    reviewer_client.post(responses_url(review), answer(comment, "amended", amended_text="Now says the next day."))

    comment.refresh_from_db()
    assert (comment.response, comment.response_text) == ("amended", "Now says the next day.")


def test_not_accepted_needs_a_reason(reviewer_client, review, comments):
    comment = comments["date"]

    response = reviewer_client.post(responses_url(review), answer(comment, "not_accepted", reason="  "))

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Give the reason the comment is not accepted" in page
    assert f'href="#id_comment-{comment.pk}-reason"' in page
    comment.refresh_from_db()
    assert comment.response == ""
    assert not AuditEntry.objects.filter(action="comment.answered").exists()

    reviewer_client.post(responses_url(review), answer(comment, "not_accepted", reason="The minutes show two days."))
    comment.refresh_from_db()
    assert (comment.response, comment.response_text) == ("not_accepted", "The minutes show two days.")


def test_an_answer_without_a_choice_is_refused(reviewer_client, review, comments):
    comment = comments["date"]

    response = reviewer_client.post(responses_url(review), {"comment": comment.pk})

    assert response.status_code == 200
    assert "Choose whether the comment is accepted, amended or not accepted" in response.content.decode()
    comment.refresh_from_db()
    assert comment.response == ""


def test_an_answer_can_change_until_sign_off(reviewer_client, review, comments):
    comment = comments["date"]
    reviewer_client.post(responses_url(review), answer(comment, "accepted"))
    reviewer_client.post(responses_url(review), answer(comment, "not_accepted", reason="Checked the minutes."))

    comment.refresh_from_db()
    assert (comment.response, comment.response_text) == ("not_accepted", "Checked the minutes.")
    assert AuditEntry.objects.filter(action="comment.answered").count() == 2


def test_a_business_manager_cannot_answer(bm_client, business_manager, review, comments):
    comment = comments["date"]

    assert bm_client.post(responses_url(review), answer(comment, "accepted")).status_code == 403
    with pytest.raises(DomainError):
        responses.answer_comment(comment, response="accepted", by=business_manager)

    comment.refresh_from_db()
    assert comment.response == ""


def test_an_unassigned_reviewer_gets_404(partnership, review, comments):
    other = make_staff("nadia@northvale.example", "Nadia Rahman", partnership, Membership.Role.REVIEWER)

    browser = logged_in(other)

    assert browser.get(responses_url(review)).status_code == 404
    assert browser.post(responses_url(review), answer(comments["date"], "accepted")).status_code == 404


def test_an_outsider_gets_404(outsider, review, comments):
    browser = logged_in(outsider)

    assert browser.get(responses_url(review)).status_code == 404
    comment_report = reverse("reports:report_comment_report", args=[review.partnership.slug, review.pk])
    assert browser.get(comment_report).status_code == 404


def test_an_unsent_comment_cannot_be_answered(reviewer_client, reviewer, review, comments):
    draft = comments["draft"]

    assert reviewer_client.post(responses_url(review), answer(draft, "accepted")).status_code == 404
    with pytest.raises(DomainError):
        responses.answer_comment(draft, response="accepted", by=reviewer)
    draft.refresh_from_db()
    assert draft.response == ""


def test_nothing_changes_after_sign_off(reviewer_client, reviewer, business_manager, review, circulation, comments):
    comment = comments["date"]
    responses.answer_comment(comment, response="accepted", by=reviewer)
    SignOff.objects.create(
        review=review,
        version=circulation.version,
        body="Safeguarding Partnership Executive",
        signed_off_on=date.today(),
        minute_reference="SPE 2027/14",
        recorded_by=business_manager,
    )

    response = reviewer_client.post(responses_url(review), answer(comment, "not_accepted", reason="Changed my mind."))

    assert response.status_code == 200
    assert "answers to comments can no longer change" in response.content.decode()
    comment.refresh_from_db()
    assert (comment.response, comment.response_text) == ("accepted", "")
    page = reviewer_client.get(responses_url(review)).content.decode()
    assert "-response" not in page
    assert "the answers can no longer change" in page


def test_only_unanswered_comments_on_the_filter(reviewer_client, reviewer, review, comments):
    responses.answer_comment(comments["school"], response="accepted", by=reviewer)

    page = reviewer_client.get(responses_url(review) + "?show=unanswered").content.decode()

    assert "The strategy discussion was the next day." in page
    assert "It was February, not March." not in page


# The comment report ---------------------------------------------------------------------------


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_comment_report_lists_every_comment_with_its_answer(reviewer_client, reviewer, review, comments):
    responses.answer_comment(comments["date"], response="amended", text="Now says the next day.", by=reviewer)
    responses.answer_comment(comments["school"], response="not_accepted", text="School records say March.", by=reviewer)

    response = reviewer_client.get(reverse("reports:report_comment_report", args=[review.partnership.slug, review.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="factual-accuracy-comments-CSPR-2026-01-version-1.pdf"' in response["Content-Disposition"]
    text = " ".join(pdf_text(response.content).split())
    assert "Factual-accuracy comments and responses" in text
    assert "Paragraph 2" in text and "Paragraph 3" in text
    assert text.index("Paragraph 2") < text.index("Paragraph 3")
    for expected in (
        "Dana Price",
        "Northvale Police",
        "Sam Osei",
        "Northvale Primary School",
        "It was February, not March.",
        "February 2025",
        "Now says the next day.",
        "Not accepted",
        "School records say March.",
    ):
        assert expected in text, expected
    assert "Unsent thought" not in text
    assert "Alex Smith" not in text
    entry = AuditEntry.objects.get(action="report.comment_report_downloaded")
    assert entry.actor == reviewer and entry.detail == {"version": 1}


def test_the_comment_report_is_a_tagged_pdf(reviewer_client, review, comments):
    response = reviewer_client.get(reverse("reports:report_comment_report", args=[review.partnership.slug, review.pk]))

    reader = PdfReader(io.BytesIO(response.content))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.metadata.title.startswith("Factual-accuracy comments and responses: CSPR 2026-01 (Child B)")


def test_no_comment_report_before_the_draft_is_circulated(reviewer_client, review):
    url = reverse("reports:report_comment_report", args=[review.partnership.slug, review.pk])

    assert reviewer_client.get(url).status_code == 404
    assert (
        "has not been sent for its factual-accuracy check"
        in reviewer_client.get(responses_url(review)).content.decode()
    )
