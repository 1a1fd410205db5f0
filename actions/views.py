"""The action plan's staff pages: business managers manage it, the review's reviewers may look."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from actions import evidence, report, services
from actions.forms import ActionForm, AgencyLinkForm, RecommendationForm, UpdateForm
from actions.models import Action, ActionUpdate, AgencyLink, Recommendation
from core import audit
from core.access import is_business_manager
from core.downloads import file_response, pdf_response
from core.errors import DomainError
from practitioners.models import Agency
from reviews.access import review_for


def _posted(request):
    return request.POST if request.method == "POST" else None


def _add_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, str(error))


def _context(request, review, **extra):
    return {
        "partnership": review.partnership,
        "review": review,
        "can_manage": is_business_manager(request.user, review.partnership),
        **extra,
    }


def _plan_review(request, slug, review_id):
    """The review, if the user may manage its plan and the plan has started; otherwise a redirect to the plan."""
    review = review_for(request, slug, review_id, manage=True)
    if not services.has_action_plan(review):
        messages.info(request, "The action plan starts once the review is signed off.")
        return review, redirect("actions:action_plan", slug, review.pk)
    return review, None


def _action_of(review, action_id):
    action = get_object_or_404(
        Action.objects.select_related("recommendation", "agency"), pk=action_id, recommendation__review=review
    )
    action.recommendation.review = review
    return action


@never_cache
@login_required
@require_GET
def action_plan(request, slug, review_id):
    review = review_for(request, slug, review_id)
    plan = report.plan_of(review)
    return render(
        request,
        "actions/plan.html",
        _context(request, review, plan=plan, counts=plan.counts(), started=services.has_action_plan(review)),
    )


@never_cache
@login_required
def recommendation_add(request, slug, review_id):
    review, refused = _plan_review(request, slug, review_id)
    if refused:
        return refused
    form = RecommendationForm(_posted(request), submit_label="Add the recommendation")
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = services.add_recommendation(
                review, text=form.cleaned_data["text"], by=request.user, request=request
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"Recommendation {recommendation.number} is added.")
            return redirect("actions:action_plan", slug, review.pk)
    return render(request, "actions/recommendation_form.html", _context(request, review, form=form))


@never_cache
@login_required
def recommendation_edit(request, slug, review_id, recommendation_id):
    review, refused = _plan_review(request, slug, review_id)
    if refused:
        return refused
    recommendation = get_object_or_404(Recommendation, pk=recommendation_id, review=review)
    form = RecommendationForm(
        _posted(request), initial={"text": recommendation.text}, submit_label="Save the recommendation"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_recommendation(
                recommendation, text=form.cleaned_data["text"], by=request.user, request=request
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"Recommendation {recommendation.number} is saved.")
            return redirect("actions:action_plan", slug, review.pk)
    return render(
        request,
        "actions/recommendation_form.html",
        _context(request, review, form=form, recommendation=recommendation),
    )


@never_cache
@login_required
def action_add(request, slug, review_id, recommendation_id):
    review, refused = _plan_review(request, slug, review_id)
    if refused:
        return refused
    recommendation = get_object_or_404(Recommendation, pk=recommendation_id, review=review)
    form = ActionForm(_posted(request), partnership=review.partnership, submit_label="Add the action")
    if request.method == "POST" and form.is_valid():
        try:
            action = services.add_action(recommendation, data=form.cleaned_data, by=request.user, request=request)
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"The action for {action.agency} is added.")
            return redirect("actions:action_plan", slug, review.pk)
    return render(
        request,
        "actions/action_form.html",
        _context(
            request,
            review,
            form=form,
            recommendation=recommendation,
            has_agencies=form.fields["agency"].queryset.exists(),
        ),
    )


@never_cache
@login_required
def action_edit(request, slug, review_id, action_id):
    review, refused = _plan_review(request, slug, review_id)
    if refused:
        return refused
    action = _action_of(review, action_id)
    form = ActionForm(
        _posted(request),
        initial=ActionForm.initial_for(action),
        partnership=review.partnership,
        submit_label="Save the action",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_action(action, data=form.cleaned_data, by=request.user, request=request)
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, "The action is saved.")
            return redirect("actions:action_detail", slug, review.pk, action.pk)
    return render(
        request,
        "actions/action_form.html",
        _context(request, review, form=form, action=action, recommendation=action.recommendation, has_agencies=True),
    )


@never_cache
@login_required
def action_detail(request, slug, review_id, action_id):
    """The action, its updates, and (for business managers) the form for the next update."""
    review = review_for(request, slug, review_id)
    action = _action_of(review, action_id)
    if request.method == "POST" and not is_business_manager(request.user, review.partnership):
        raise PermissionDenied
    started = services.has_action_plan(review)
    if request.method == "POST" and not started:
        messages.info(request, "The action plan starts once the review is signed off.")
        return redirect("actions:action_detail", slug, review.pk, action.pk)
    form = None
    if started and is_business_manager(request.user, review.partnership):
        form = UpdateForm(_posted(request), request.FILES if request.method == "POST" else None, action=action)
        if request.method == "POST" and form.is_valid():
            try:
                services.add_update(
                    action,
                    text=form.cleaned_data["text"],
                    status=form.cleaned_data["status"],
                    rag=form.cleaned_data["rag"],
                    evidence_file=form.cleaned_data["evidence"],
                    by=request.user,
                    request=request,
                )
            except DomainError as error:
                _add_error(form, error)
            else:
                messages.success(request, "The update is saved.")
                return redirect("actions:action_detail", slug, review.pk, action.pk)
    return render(
        request,
        "actions/action_detail.html",
        _context(
            request,
            review,
            action=action,
            updates=action.updates.select_related("author"),
            form=form,
            is_overdue=action.status != Action.Status.COMPLETE and action.due_date < timezone.localdate(),
        ),
    )


@never_cache
@login_required
@require_GET
def action_evidence(request, slug, review_id, action_id, update_id):
    """An update's evidence file, as an attachment that the browser must neither run nor sniff."""
    review = review_for(request, slug, review_id)
    action = _action_of(review, action_id)
    update = get_object_or_404(ActionUpdate, pk=update_id, action=action)
    if not update.evidence:
        return redirect("actions:action_detail", slug, review.pk, action.pk)
    with update.evidence.open("rb") as stored:
        response = file_response(stored.read(), evidence.kind_of(update).content_type, evidence.download_name(update))
    audit.record(
        "action.evidence_downloaded", request=request, partnership=review.partnership, obj=update, action_id=action.pk
    )
    return response


# Agency links.


@never_cache
@login_required
@require_GET
def agency_links(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    sent = {link.agency_id: link for link in AgencyLink.objects.filter(review=review)}
    rows = []
    for agency in services.agencies_with_actions(review).order_by("name"):
        link = sent.get(agency.pk)
        rows.append({"agency": agency, "link": link, "works": link is not None and link.link_works()})
    return render(
        request,
        "actions/agency_links.html",
        _context(request, review, rows=rows, started=services.has_action_plan(review)),
    )


def _agency_with_actions(review, agency_id):
    return get_object_or_404(services.agencies_with_actions(review), pk=agency_id)


@never_cache
@login_required
def agency_link_send(request, slug, review_id, agency_id):
    review, refused = _plan_review(request, slug, review_id)
    if refused:
        return refused
    agency = _agency_with_actions(review, agency_id)
    existing = AgencyLink.objects.filter(review=review, agency=agency).first()
    if existing is not None:
        initial = {"name": existing.name, "email": existing.email}
    else:
        lead = Action.objects.filter(recommendation__review=review, agency=agency).exclude(lead_email="").first()
        initial = {"name": lead.lead_name, "email": lead.lead_email} if lead else {}
    form = AgencyLinkForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_agency_link(review, agency, **form.cleaned_data, by=request.user, request=request)
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"We have emailed {form.cleaned_data['name']} a link to {agency}'s actions.")
            return redirect("actions:agency_links", slug, review.pk)
    return render(
        request,
        "actions/agency_link_send.html",
        _context(request, review, form=form, agency=agency, existing=existing),
    )


@login_required
@require_POST
def agency_link_stop(request, slug, review_id, agency_id):
    review = review_for(request, slug, review_id, manage=True)
    agency = get_object_or_404(Agency, pk=agency_id, partnership=review.partnership)
    agency_link = get_object_or_404(AgencyLink, review=review, agency=agency)
    if services.stop_agency_link(agency_link, by=request.user, request=request):
        messages.success(request, f"{agency}'s link no longer works.")
    else:
        messages.info(request, f"{agency}'s link had already stopped.")
    return redirect("actions:agency_links", slug, review.pk)


# Exports.


@never_cache
@login_required
@require_GET
def action_plan_pdf(request, slug, review_id):
    review = review_for(request, slug, review_id)
    pdf = report.render_report(review)
    services.record_export(review, kind="pdf", by=request.user, request=request)
    return pdf_response(pdf, report.pdf_filename(review))


@never_cache
@login_required
@require_GET
def action_plan_csv(request, slug, review_id):
    review = review_for(request, slug, review_id)
    response = file_response("", "text/csv; charset=utf-8", report.csv_filename(review))
    response.write("\ufeff")  # a byte order mark, so Excel reads the file as UTF-8
    report.write_csv(response, report.plan_of(review))
    services.record_export(review, kind="csv", by=request.user, request=request)
    return response
