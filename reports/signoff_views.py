"""Answers to comments, the comment report, sign-off and publication; and the public pages of published reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import audit
from core.downloads import pdf_response, safe_name
from core.errors import DomainError
from core.formatting import people
from core.models import Partnership
from reports import responses, signoff
from reports.models import Publication
from reports.signoff_forms import AnswerForm, HoldForm, SignOffForm
from reviews import holds
from reviews.access import review_for

# Answers to comments --------------------------------------------------------------------------


def _chosen_circulation(request, review):
    """The circulation asked for by ?version=N, or the latest; None if the draft was never circulated."""
    circulations = responses.circulations_of(review)
    number = request.GET.get("version", "")
    if number.isdigit():
        return get_object_or_404(circulations, version__number=_int(number))
    return circulations.first()


def _responses_url(review, circulation, *, unanswered=False, anchor=""):
    query = {}
    if circulation is not None:
        query["version"] = circulation.version.number
    if unanswered:
        query["show"] = "unanswered"
    url = reverse("reports:report_responses", args=[review.partnership.slug, review.pk])
    return f"{url}?{urlencode(query)}{anchor}" if query else f"{url}{anchor}"


@never_cache
@login_required
def report_responses(request, slug, review_id):
    review = review_for(request, slug, review_id)
    circulation = _chosen_circulation(request, review)
    unanswered = request.GET.get("show") == "unanswered"
    can_answer = responses.can_answer(request.user, review)
    failed = None
    if request.method == "POST":
        if not responses.is_assigned_reviewer(request.user, review):
            raise PermissionDenied
        if circulation is None:
            raise Http404
        comment = get_object_or_404(responses.sent_comments(circulation), pk=_int(request.POST.get("comment")))
        form = AnswerForm(request.POST, comment=comment)
        if form.is_valid():
            try:
                responses.answer_comment(
                    comment, response=form.cleaned_data["response"], text=form.text, by=request.user, request=request
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                messages.success(
                    request, f"Your answer to the comment on {circulation.version.unit} {comment.paragraph} is saved."
                )
                return redirect(
                    _responses_url(review, circulation, unanswered=unanswered, anchor=f"#comment-{comment.pk}")
                )
        failed = form
    paragraphs = responses.comments_by_paragraph(circulation, unanswered_only=unanswered) if circulation else []
    for _paragraph, comments in paragraphs:
        for comment in comments:
            if failed is not None and failed.comment.pk == comment.pk:
                comment.form = failed
            elif can_answer:
                comment.form = AnswerForm(comment=comment)
    return render(
        request,
        "reports/signoff/responses.html",
        {
            "partnership": request.partnership,
            "review": review,
            "circulation": circulation,
            "circulations": list(responses.circulations_of(review)),
            "paragraphs": paragraphs,
            "counts": responses.counts(responses.sent_comments(circulation)) if circulation else None,
            "agencies": responses.progress_by_agency(circulation) if circulation else [],
            "unanswered": unanswered,
            "can_answer": can_answer,
            "signed_off": responses.is_signed_off(review),
            "form": failed,
            "all_url": _responses_url(review, circulation),
            "unanswered_url": _responses_url(review, circulation, unanswered=True),
            "action_url": _responses_url(review, circulation, unanswered=unanswered),
        },
    )


def _int(value):
    """A whole number written in ASCII digits, or None (int() refuses "²" and numbers thousands of digits long)."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


@never_cache
@login_required
@require_GET
def report_comment_report(request, slug, review_id):
    review = review_for(request, slug, review_id)
    circulation = _chosen_circulation(request, review)
    if circulation is None:
        raise Http404
    pdf = responses.render_comment_report(circulation)
    audit.record(
        "report.comment_report_downloaded",
        request=request,
        partnership=review.partnership,
        obj=circulation,
        version=circulation.version.number,
    )
    reference = safe_name(review.reference) or "review"
    return pdf_response(pdf, f"factual-accuracy-comments-{reference}-version-{circulation.version.number}.pdf")


# Sign-off -------------------------------------------------------------------------------------


@never_cache
@login_required
def report_sign_off(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    recorded = signoff.sign_off_of(review)
    versions = signoff.signable_versions(review)
    first_check = signoff.first_check(review)
    to_ask = signoff.people_to_ask(review) if first_check is None and recorded is None else []
    answers = list(signoff.changing_answers(review))
    form = None
    if recorded is None:
        form = SignOffForm(
            request.POST if request.method == "POST" else None,
            versions=versions,
            unchecked=first_check is None and not to_ask,
            with_answers=bool(answers),
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                signoff.sign_off(
                    review,
                    version=data["version"],
                    body=data["body"],
                    signed_off_on=data["signed_off_on"],
                    minute_reference=data["minute_reference"],
                    recorded_by=request.user,
                    no_check_reason=data.get("no_check_reason", ""),
                    answers_reason=data.get("answers_reason", ""),
                    request=request,
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                messages.success(request, f"The sign-off of {review.reference} is recorded.")
                return redirect("reports:report_publication", slug, review.pk)
    elif request.method == "POST":
        messages.error(request, "This review has already been signed off. A sign-off cannot be recorded twice.")
        return redirect("reports:report_sign_off", slug, review.pk)
    open_circulations = review.circulations.filter(closed_at__isnull=True).count()
    # What stops sign-off now, shown instead of the form (the service refuses it too).
    blocked = [] if recorded else signoff.waiting_refusals(review)
    return render(
        request,
        "reports/signoff/sign_off.html",
        {
            "partnership": request.partnership,
            "review": review,
            "recorded": recorded,
            "form": form,
            "has_versions": versions.exists(),
            "open_circulations": open_circulations,
            "outstanding": responses.counts(responses.sent_comments_of_review(review))["outstanding"],
            "first_check": first_check,
            "to_ask": len(to_ask),
            "blocked": blocked,
            "show_form": form is not None
            and (bool(form.errors) or (not blocked and (first_check is not None or not to_ask))),
            "notes_held": holds.is_held(review),
            "answers": answers,
            "checked_by": signoff.check_of(recorded.version) if recorded else None,
            "left_out": list(signoff.answers_not_in(recorded.version)) if recorded and recorded.answers_reason else [],
        },
    )


# Publication ----------------------------------------------------------------------------------

ACTIONS = ("hold", "publish", "tell")


@never_cache
@login_required
def report_publication(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    hold_form = HoldForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ACTIONS:
            messages.error(request, "Choose what to do with the report.")
            return redirect("reports:report_publication", slug, review.pk)
        try:
            if action == "hold":
                hold_form = HoldForm(request.POST)
                if hold_form.is_valid():
                    signoff.hold_publication(
                        review, reason=hold_form.cleaned_data["reason"], by=request.user, request=request
                    )
                    messages.success(request, "The report is held back. It is not on the public page.")
                    return redirect("reports:report_publication", slug, review.pk)
            elif action == "publish":
                signoff.publish(review, by=request.user, request=request)
                messages.success(request, "The report is published.")
                return redirect("reports:report_publication", slug, review.pk)
            else:
                queued = signoff.tell_practitioners(review, by=request.user, request=request)
                if queued:
                    messages.success(request, f"Emails are on their way to {people(queued)}.")
                else:
                    messages.info(request, "Nobody new to tell: everyone has already been emailed.")
                return redirect("reports:report_publication", slug, review.pk)
        except DomainError as error:
            if action == "hold" and error.field in hold_form.fields:
                hold_form.add_error(error.field, str(error))
            else:
                messages.error(request, str(error))
                return redirect("reports:report_publication", slug, review.pk)
    publication = signoff.publication_of(review)
    return render(
        request,
        "reports/signoff/publication.html",
        {
            "partnership": request.partnership,
            "review": review,
            "sign_off": signoff.sign_off_of(review),
            "publication": publication,
            "public_url": signoff.public_url(publication) if publication and publication.state == "published" else None,
            "to_tell": len(signoff.people_to_tell(review)),
            "blockers": signoff.publication_blockers(review),
            "record_sending": signoff.sending_needs_recording(review),
            "legal_hold": holds.is_held(review),
            "form": hold_form,
        },
    )


# The public pages -----------------------------------------------------------------------------
# No sign-in: the MFA middleware lets anonymous visitors through, and nothing here needs a user.


def _published(partnership):
    return (
        Publication.objects.filter(review__partnership=partnership, state=Publication.State.PUBLISHED)
        .select_related("review", "review__sign_off__version")
        .order_by("-published_at", "-pk")
    )


def _published_report(slug, report_slug):
    partnership = get_object_or_404(Partnership, slug=slug)
    publication = get_object_or_404(_published(partnership), slug=report_slug)
    return partnership, publication


@require_GET
def published_list(request, slug):
    partnership = get_object_or_404(Partnership, slug=slug)
    return render(
        request,
        "reports/published/list.html",
        {"current_partnership": partnership, "partnership": partnership, "publications": list(_published(partnership))},
    )


@require_GET
def published_report(request, slug, report_slug):
    from reports.documents import version_html

    partnership, publication = _published_report(slug, report_slug)
    review = publication.review
    return render(
        request,
        "reports/published/report.html",
        {
            "current_partnership": partnership,
            "partnership": partnership,
            "publication": publication,
            "review": review,
            "body_html": version_html(review.sign_off.version),
        },
    )


@require_GET
def published_report_pdf(request, slug, report_slug):
    partnership, publication = _published_report(slug, report_slug)
    pdf = signoff.published_pdf(publication)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{safe_name(partnership.slug)}-{safe_name(publication.slug) or 'report'}.pdf"
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
