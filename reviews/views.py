from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from core.access import business_manager_of, is_business_manager, partnership_for
from core.errors import DomainError
from core.formatting import long_date
from reviews import clocks, services
from reviews.access import review_for
from reviews.forms import ReviewForm, TimelineForm
from reviews.models import Review
from reviews.timeline import row_labels


def _review_form_data(form, *, editing):
    data = dict(form.cleaned_data)
    data["theme_titles"] = form.theme_titles()
    if editing and not data.get("subject_name"):
        data["subject_name"] = None  # left blank on edit: keep the name already recorded
    return data


@login_required
def review_list(request, slug):
    partnership = partnership_for(request, slug)
    reviews = Review.objects.visible_to(request.user, partnership).prefetch_related("reviewers").order_by("-created_at")
    return render(
        request,
        "reviews/review_list.html",
        {
            "partnership": partnership,
            "reviews": reviews,
            "can_manage": is_business_manager(request.user, partnership),
        },
    )


@login_required
def review_add(request, slug):
    partnership = business_manager_of(request, slug)
    form = ReviewForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.create_review(
                partnership=partnership,
                data=_review_form_data(form, editing=False),
                created_by=request.user,
                request=request,
            )
        except DomainError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"{review} is created.")
            return redirect("overview:review_detail", partnership.slug, review.pk)
    return render(request, "reviews/review_form.html", {"partnership": partnership, "form": form})


@login_required
def review_edit(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    partnership = review.partnership
    initial = {field: getattr(review, field) for field in services.REVIEW_FIELDS} | {
        "reviewers": review.reviewers.all(),
        "learning_themes": "\n".join(theme.title for theme in review.learning_themes.all()),
    }
    form = ReviewForm(request.POST or None, partnership=partnership, review=review, initial=initial)
    form.fields["subject_name"].label = "Real name of the child or adult"
    form.fields["subject_name"].help_text = (
        "Leave this blank to keep the name already recorded. "
        "It is kept encrypted and shown only to business managers on request."
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_review(
                review=review, data=_review_form_data(form, editing=True), changed_by=request.user, request=request
            )
        except DomainError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"{review} is saved.")
            return redirect("overview:review_detail", partnership.slug, review.pk)
    return render(request, "reviews/review_form.html", {"partnership": partnership, "form": form, "review": review})


def _timeline_rows(review):
    """(label, value) of each thing the timeline records, in the order it happens."""
    partnership = review.partnership
    rows = []
    for field, label in row_labels(review.review_type).items():
        if field not in services.TIMELINE_FIELDS[review.review_type]:
            continue
        value = getattr(review, field)
        if field == "decision_reason" and not value:
            continue
        if isinstance(value, date):
            value = long_date(value)
        elif value and review._meta.get_field(field).choices:
            value = getattr(review, f"get_{field}_display")()
        rows.append((label, value or "Not recorded"))
    earliest = clocks.earliest_publication(review, partnership)
    rows.append(
        (
            "Report can be published from",
            long_date(earliest) if earliest else "When the date the final report was sent is recorded",
        )
    )
    return rows


@login_required
def review_timeline(request, slug, review_id):
    """The review's timeline: what is recorded and its clocks, for the business manager and its reviewers."""
    review = review_for(request, slug, review_id)
    partnership = review.partnership
    return render(
        request,
        "reviews/timeline.html",
        {
            "partnership": partnership,
            "review": review,
            "rows": _timeline_rows(review),
            "clocks": clocks.review_clocks(review, partnership=partnership, today=timezone.localdate()),
            "can_manage": is_business_manager(request.user, partnership),
        },
    )


@login_required
def review_timeline_edit(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    partnership = review.partnership
    initial = {field: getattr(review, field) for field in services.TIMELINE_FIELDS[review.review_type]}
    if not review.final_report_sent_to:
        initial["final_report_sent_to"] = partnership.final_report_recipients
    form = TimelineForm(request.POST or None, review=review, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_timeline(review=review, data=form.cleaned_data, recorded_by=request.user, request=request)
        except DomainError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"The timeline of {review} is saved.")
            return redirect("reviews:review_timeline", partnership.slug, review.pk)
    return render(request, "reviews/timeline_form.html", {"partnership": partnership, "review": review, "form": form})
