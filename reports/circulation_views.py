"""The factual-accuracy check: staff send a draft out and follow it; each checker reads and comments by link."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import links, numbering, reading
from core.downloads import csv_response, pdf_response, safe_name
from core.errors import DomainError
from core.formatting import long_date
from core.formatting import people as people_count
from core.workdays import add_working_days
from reports import circulation
from reports.circulation_forms import CirculateForm, CommentForm
from reports.models import Checker, ReportVersion
from reviews.access import review_for

# The staff's side -----------------------------------------------------------------------------


def _staff_context(request, review, **extra):
    return {"partnership": request.partnership, "review": review, **extra}


def _show_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, str(error))


@login_required
def report_circulate(request, slug, review_id, number):
    review = review_for(request, slug, review_id)
    version = get_object_or_404(ReportVersion, review=review, number=number)
    context = _staff_context(request, review, version=version)
    blocked = circulation.refusal(version, review)
    if blocked:
        return render(request, "reports/circulation/circulate.html", context | {"blocked": blocked})

    people = circulation.default_checkers(review)
    form = CirculateForm(request.POST if request.method == "POST" else None, people=people)
    context |= {"form": form, "unreachable": [person for person in people if not person.reachable]}
    if request.method == "POST" and form.is_valid():
        days, chosen = form.cleaned_data["working_days"], form.people()
        if "confirm" in request.POST:
            try:
                started = circulation.circulate(
                    version, people=chosen, working_days=days, started_by=request.user, request=request
                )
            except DomainError as error:
                _show_error(form, error)
            else:
                messages.success(
                    request,
                    f"Version {version.number} is on its way to {people_count(len(chosen))}. "
                    f"Comments are due by {long_date(started.deadline)}.",
                )
                return redirect("reports:report_check_progress", slug, review.pk)
        elif "change" not in request.POST:
            deadline = add_working_days(timezone.localdate(), days)
            return render(
                request,
                "reports/circulation/circulate_confirm.html",
                context | {"chosen": chosen, "deadline": long_date(deadline), "days": days},
            )
    return render(request, "reports/circulation/circulate.html", context)


def _by_agency(checkers):
    """[(agency name, checkers, counts)] in the order the checkers come."""
    groups = []
    for name, group in groupby(checkers, key=lambda checker: checker.agency.name if checker.agency else ""):
        group = list(group)
        groups.append(
            (
                name or "No agency recorded",
                group,
                {
                    "asked": len(group),
                    "read": sum(1 for checker in group if checker.first_read_at),
                    "responded": sum(1 for checker in group if checker.responded_at),
                },
            )
        )
    return groups


@login_required
def report_check_progress(request, slug, review_id):
    review = review_for(request, slug, review_id)
    current = circulation.current_circulation(review)
    context = _staff_context(request, review, circulation=current)
    if current is None:
        latest = review.report_versions.first()
        context |= {"latest": latest, "blocked": circulation.refusal(latest, review) if latest else None}
        return render(request, "reports/circulation/progress.html", context)
    checkers = list(circulation.checkers_of(current))
    context |= {
        "groups": _by_agency(checkers),
        "counts": circulation.counts(current),
        "is_open": circulation.is_open(current),
        "deadline": long_date(current.deadline),
        "earlier": review.circulations.exclude(pk=current.pk).select_related("version"),
    }
    return render(request, "reports/circulation/progress.html", context)


@login_required
@require_POST
def report_check_remind(request, slug, review_id):
    review = review_for(request, slug, review_id)
    current = circulation.current_circulation(review)
    if current is None:
        return redirect("reports:report_check_progress", slug, review.pk)
    try:
        sent = circulation.remind_waiting(current, reminded_by=request.user, request=request)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        if sent:
            messages.success(request, f"Reminders are on their way to {people_count(sent)}, each with a new link.")
        else:
            messages.info(request, "Nobody was reminded: everyone has answered, or was already reminded today.")
    return redirect("reports:report_check_progress", slug, review.pk)


def _checker_of(review, checker_id):
    return get_object_or_404(
        Checker.objects.select_related("circulation__review__partnership", "circulation__version"),
        pk=checker_id,
        circulation__review=review,
    )


@login_required
@require_POST
def report_check_stop(request, slug, review_id, checker_id):
    review = review_for(request, slug, review_id)
    checker = _checker_of(review, checker_id)
    if circulation.stop_link(checker, stopped_by=request.user, request=request):
        messages.success(request, f"{checker.name}'s link has stopped working.")
    else:
        messages.info(request, f"{checker.name}'s link had already stopped.")
    return redirect("reports:report_check_progress", slug, review.pk)


@login_required
@require_POST
def report_check_new_link(request, slug, review_id, checker_id):
    review = review_for(request, slug, review_id)
    checker = _checker_of(review, checker_id)
    try:
        circulation.send_new_link(checker, sent_by=request.user, request=request)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{checker.name} has been emailed a new link. Their old link no longer works.")
    return redirect("reports:report_check_progress", slug, review.pk)


# The checker's side ---------------------------------------------------------------------------


def _not_available(request, status):
    """One page for every refusal, whatever the reason, so that it tells nobody anything."""
    return render(request, "reports/circulation/unavailable.html", status=status)


def _checker_context(checker, **extra):
    return circulation.checker_context(checker) | extra


draft_link = links.start_view(circulation.CHECKER_LINK)
with_checker = links.holder(circulation.CHECKER_LINK)
# Every page that shows the draft, or any part of it, comes after its confidentiality terms.
after_terms = reading.guard(circulation.DRAFT_TERMS)

draft_terms = with_checker(reading.terms_view(circulation.DRAFT_TERMS))


def _comment_link(word, number, block):
    """ "Comment on paragraph N" (or page N), leading to the comment form with that number chosen."""
    href = f"{reverse('draft:comment_add')}?paragraph={number}"
    link = format_html('<a class="govuk-link" href="{}">Comment on {} {}</a>', href, word, number)
    if block:
        return format_html('<p class="govuk-body-s convene-comment-link">{}</p>', link)
    return format_html(' <span class="govuk-body-s govuk-!-display-block convene-comment-link">{}</span>', link)


@with_checker
@after_terms
def draft_read(request, checker):
    from reports.documents import version_html

    circulation.record_read(checker, request)
    version = checker.circulation.version
    body_html = version_html(version)
    return render(
        request,
        "reports/circulation/draft_read.html",
        _checker_context(
            checker,
            body_html=numbering.with_links(body_html, _comment_link) if body_html else "",
            comments=list(checker.comments.all()),
            now=timezone.now(),
            unit=version.unit,
        ),
    )


@with_checker
@after_terms
def draft_download(request, checker):
    from reports.documents import render_reader_pdf

    version = checker.circulation.version
    pdf = render_reader_pdf(version, reader_name=checker.name, when=timezone.now())
    circulation.record_download(checker, request)
    reference = safe_name(checker.circulation.review.reference) or "review"
    return pdf_response(pdf, f"draft-report-{reference}-version-{version.number}.pdf")


def _unit_number(value):
    """A paragraph (or page) number typed or linked, or None."""
    value = str(value if value is not None else "").strip()
    # ASCII digits only, and not absurdly many: int() refuses "²" and numbers thousands of digits long.
    if value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    return None


def _comment_page(request, checker, form, comment=None):
    from reports.documents import units

    version = checker.circulation.version
    number = _unit_number(form.data.get("paragraph") if form.is_bound else form.initial.get("paragraph"))
    text = dict(units(version)).get(number) if number else None
    return render(
        request,
        "reports/circulation/draft_comment.html",
        _checker_context(checker, form=form, comment=comment, unit=version.unit, unit_number=number, unit_text=text),
    )


def _comment_values(form):
    return {name: form.cleaned_data[name] for name in ("paragraph", "text", "correction")}


@with_checker
@require_http_methods(["GET", "HEAD", "POST"])
@after_terms
def draft_comment_add(request, checker):
    version = checker.circulation.version
    initial = {}
    paragraph = _unit_number(request.GET.get("paragraph"))
    if paragraph is not None:
        initial["paragraph"] = paragraph
    form = CommentForm(request.POST if request.method == "POST" else None, initial=initial, version=version)
    if request.method == "POST" and form.is_valid():
        try:
            circulation.add_comment(checker, **_comment_values(form), request=request)
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, _saved_message(checker, "Your comment is saved."))
            return redirect(reverse("draft:read") + "#your-comments")
    return _comment_page(request, checker, form)


def _saved_message(checker, text):
    checker.refresh_from_db(fields=["responded_at", "no_comments"])
    if checker.responded_at:
        return f"{text} The reviewer can see it."
    return f"{text} Send your comments when you have finished."


def _own_comment(checker, comment_id):
    return checker.comments.filter(pk=comment_id).first()


@with_checker
@require_http_methods(["GET", "HEAD", "POST"])
@after_terms
def draft_comment_edit(request, checker, comment_id):
    comment = _own_comment(checker, comment_id)
    if comment is None:
        return _not_available(request, 404)
    if comment.response:
        messages.info(request, "The reviewer has already answered this comment, so it cannot be changed.")
        return redirect(reverse("draft:read") + "#your-comments")
    version = checker.circulation.version
    initial = {"paragraph": comment.paragraph, "text": comment.text, "correction": comment.correction}
    form = CommentForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        version=version,
        submit_label="Save changes",
    )
    if request.method == "POST" and form.is_valid():
        try:
            circulation.change_comment(checker, comment, **_comment_values(form), request=request)
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, _saved_message(checker, "Your comment is changed."))
            return redirect(reverse("draft:read") + "#your-comments")
    return _comment_page(request, checker, form, comment)


@with_checker
@require_POST
@after_terms
def draft_comment_delete(request, checker, comment_id):
    comment = _own_comment(checker, comment_id)
    if comment is None:
        return _not_available(request, 404)
    try:
        circulation.delete_comment(checker, comment, request=request)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your comment is deleted.")
    return redirect(reverse("draft:read") + "#your-comments")


@with_checker
@require_POST
@after_terms
def draft_submit(request, checker):
    try:
        circulation.send_comments(checker, request=request)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            "Thank you. Your comments are sent to the reviewer. "
            f"You can still change them until the end of {long_date(checker.circulation.deadline)}.",
        )
    return redirect("draft:read")


@with_checker
@require_POST
@after_terms
def draft_no_comments(request, checker):
    try:
        circulation.say_no_comments(checker, request=request)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Thank you. We have recorded that you have no comments on the draft.")
    return redirect("draft:read")


PROGRESS_HEADER = [
    "Agency",
    "Name",
    "Asked as",
    "Terms accepted",
    "First read",
    "Reads",
    "Downloads",
    "Answer",
    "Answered",
    "Comments",
    "Link",
]


@never_cache
@login_required
@require_GET
def report_check_progress_csv(request, slug, review_id):
    """The current check's progress, a row per checker, as CSV: for whoever may see its page."""
    review = review_for(request, slug, review_id)
    current = circulation.current_circulation(review)
    if current is None:
        return redirect("reports:report_check_progress", slug, review.pk)
    current.review = review
    rows = circulation.progress_rows(current)
    circulation.record_progress_export(current, by=request.user, rows=len(rows), request=request)
    reference = safe_name(review.reference) or "review"
    return csv_response(f"factual-accuracy-check-{reference}-v{current.version.number}.csv", PROGRESS_HEADER, rows)
