"""The reviewer's answers to factual-accuracy comments, and what staff see of the comments.

Staff see only the comments of checkers who have sent them: a checker's unsent drafts stay theirs.
Answers can change until the review is signed off, never after.
"""

from django.db import transaction
from django.utils import timezone

from core import audit
from core.errors import DomainError
from reports.models import Checker, Circulation, Comment, SignOff
from reviews.models import Review

NO_AGENCY = "No agency recorded"


def circulations_of(review):
    """The review's circulations, the latest first."""
    return Circulation.objects.filter(review=review).select_related("version").order_by("-started_at", "-pk")


def sent_comments(circulation):
    """The comments staff may see: those of checkers who have sent theirs."""
    return (
        Comment.objects.filter(checker__circulation=circulation, checker__responded_at__isnull=False)
        .select_related("checker__agency", "responded_by")
        .order_by("paragraph", "created_at", "pk")
    )


def sent_comments_of_review(review):
    return Comment.objects.filter(checker__circulation__review=review, checker__responded_at__isnull=False)


def comments_by_paragraph(circulation, *, unanswered_only=False):
    """[(paragraph number, [comments])] in paragraph order."""
    comments = sent_comments(circulation)
    if unanswered_only:
        comments = comments.filter(response="")
    grouped = {}
    for comment in comments:
        grouped.setdefault(comment.paragraph, []).append(comment)
    return list(grouped.items())


def counts(comments):
    """{"total", "answered", "outstanding"} for a queryset of comments."""
    total = comments.count()
    answered = comments.exclude(response="").count()
    return {"total": total, "answered": answered, "outstanding": total - answered}


def progress_by_agency(circulation):
    """For each agency: how many were asked, how many have replied, their comments and how many are answered."""
    rows = {}
    for checker in Checker.objects.filter(circulation=circulation).select_related("agency"):
        name = checker.agency.name if checker.agency else NO_AGENCY
        row = rows.setdefault(name, {"agency": name, "asked": 0, "replied": 0, "comments": 0, "answered": 0})
        row["asked"] += 1
        if checker.responded_at is not None:
            row["replied"] += 1
    for comment in sent_comments(circulation):
        name = comment.checker.agency.name if comment.checker.agency else NO_AGENCY
        rows[name]["comments"] += 1
        if comment.response:
            rows[name]["answered"] += 1
    return sorted(rows.values(), key=lambda row: (row["agency"] == NO_AGENCY, row["agency"].lower()))


def is_signed_off(review):
    return SignOff.objects.filter(review=review).exists()


def is_assigned_reviewer(user, review):
    """An assigned reviewer who is still a member of the partnership: the only people who answer."""
    if not user.is_authenticated:
        return False
    return review.reviewers.filter(pk=user.pk, memberships__partnership_id=review.partnership_id).exists()


def can_answer(user, review):
    return is_assigned_reviewer(user, review) and not is_signed_off(review)


def answer_comment(comment, *, response, text="", by, request=None):
    """Record (or change) the reviewer's answer to one comment. Returns the comment."""
    text = (text or "").strip()
    if response not in Comment.Response.values:
        raise DomainError("Choose whether the comment is accepted, amended or not accepted.", field="response")
    if response == Comment.Response.AMENDED and not text:
        raise DomainError("Say what was changed in the report.", field="amended_text")
    if response == Comment.Response.NOT_ACCEPTED and not text:
        raise DomainError("Give the reason the comment is not accepted.", field="reason")
    if response == Comment.Response.ACCEPTED:
        text = ""
    with transaction.atomic():
        # Sign-off locks the same row, so an answer cannot slip in after it.
        review = Review.objects.select_for_update().get(pk=comment.checker.circulation.review_id)
        comment = Comment.objects.select_for_update().select_related("checker__circulation").get(pk=comment.pk)
        if SignOff.objects.filter(review=review).exists():
            raise DomainError("The report has been signed off, so answers to comments can no longer change.")
        if not is_assigned_reviewer(by, review):
            raise DomainError("Only the review's independent reviewers can answer comments.")
        if comment.checker.responded_at is None:
            raise DomainError("This comment has not been sent yet.")
        if comment.response == response and comment.response_text == text:
            return comment
        previous = comment.response
        comment.response = response
        comment.response_text = text
        comment.responded_by = by
        comment.responded_at = timezone.now()
        comment.save(update_fields=["response", "response_text", "responded_by", "responded_at", "updated_at"])
        audit.record(
            "comment.answered",
            request=request,
            actor=by,
            partnership=review.partnership,
            obj=comment,
            version=comment.checker.circulation.version.number,
            paragraph=comment.paragraph,
            response=response,
            previous=previous,
        )
    return comment


def comment_report_context(circulation):
    """Everything the comment report shows, on the page and in the PDF."""
    review = circulation.review
    return {
        "review": review,
        "partnership": review.partnership,
        "circulation": circulation,
        "version": circulation.version,
        "paragraphs": comments_by_paragraph(circulation),
        "counts": counts(sent_comments(circulation)),
        "agencies": progress_by_agency(circulation),
        "now": timezone.now(),
    }


def render_comment_report(circulation):
    """The comment report as an A4 tagged PDF."""
    from core.pdfs import render_pdf

    return render_pdf("reports/pdfs/comment_report.html", comment_report_context(circulation))
