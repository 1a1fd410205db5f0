"""Pages that read across the apps: the home page, the partnership's dashboard and each review's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from core import stamps
from core.access import is_business_manager, partnership_for
from core.errors import DomainError
from core.models import Partnership
from events import notes
from overview import clocks, dashboard
from reviews import holds, services
from reviews.access import review_for
from reviews.forms import StatusForm


@login_required
def home(request):
    partnerships = list(Partnership.objects.visible_to(request.user))
    if len(partnerships) == 1:
        return redirect("overview:partnership_overview", partnerships[0].slug)
    return render(request, "overview/home.html", {"partnerships": partnerships})


@login_required
def partnership_overview(request, slug):
    """The dashboard: reviews, upcoming events and what needs attention."""
    partnership = partnership_for(request, slug)
    manager = is_business_manager(request.user, partnership)

    def make():
        now = timezone.now()
        summary = dashboard.summary(request.user, partnership, now=now, manager=manager)
        html = render_to_string(
            "overview/_dashboard_body.html", {"partnership": partnership, "is_manager": manager, **summary}
        )
        return html, dashboard.unchanged_until(summary, now)

    # Kept until anything in the partnership changes, or the time moves an event or a deadline along.
    body = stamps.part([f"partnership:{partnership.pk}"], ("overview:dashboard", request.user.pk, manager), make)
    return render(
        request,
        "overview/partnership_overview.html",
        {"partnership": partnership, "body": mark_safe(body)},  # noqa: S308 - rendered by our own template
    )


def _review_page(request, review, **extra):
    partnership = review.partnership
    return render(
        request,
        "overview/review_detail.html",
        {
            "partnership": partnership,
            "review": review,
            "can_manage": is_business_manager(request.user, partnership),
            "timeline": review.status_changes.select_related("changed_by"),
            "events": review.events.select_related("chair").order_by("starts_at"),
            "themes": review.learning_themes.all(),
            "reviewers": review.reviewers.all(),
            "status_form": extra.pop("status_form", None) or StatusForm(),
            "can_keep_notes": notes.can_keep_notes(request.user, review),
            "next_status": review.next_status(),
            "recorded_stages": list(services.RECORDED_STAGES),
            "clocks": clocks.for_review(review),
            "legal_hold": holds.standing_hold(review),
            **extra,
        },
    )


@login_required
def review_detail(request, slug, review_id):
    return _review_page(request, review_for(request, slug, review_id))


@login_required
@require_POST
def review_advance(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        to_status = form.cleaned_data["to_status"]
        try:
            services.advance_status(review=review, to_status=to_status, changed_by=request.user, request=request)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            review.refresh_from_db()
            messages.success(request, f"{review} has moved to “{review.get_status_display()}”.")
        return redirect("overview:review_detail", review.partnership.slug, review.pk)
    return _review_page(request, review, status_form=form)


@login_required
@require_POST
def review_reveal_name(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    name = services.reveal_subject_name(review=review, viewer=request.user, request=request)
    return _review_page(request, review, revealed_name=name or "No real name is recorded for this review.")
