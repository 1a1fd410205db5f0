import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from events import notes
from reviews import clocks, dashboard, services
from reviews.access import business_manager_of, is_business_manager, partnership_for, review_for
from reviews.forms import PartnershipDetailsForm, ReviewForm, RoleForm, StaffMemberForm, StatusForm
from reviews.models import Partnership, Review


@login_required
def home(request):
    partnerships = list(Partnership.objects.visible_to(request.user))
    if len(partnerships) == 1:
        return redirect("partnership_overview", partnerships[0].slug)
    return render(request, "reviews/home.html", {"partnerships": partnerships})


@login_required
def partnership_overview(request, slug):
    """The dashboard: reviews, upcoming events and what needs attention."""
    partnership = partnership_for(request, slug)
    manager = is_business_manager(request.user, partnership)
    return render(
        request,
        "reviews/partnership_overview.html",
        {"partnership": partnership, "is_manager": manager, **dashboard.summary(request.user, partnership)},
    )


@login_required
def partnership_edit(request, slug):
    partnership = business_manager_of(request, slug)
    form = PartnershipDetailsForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        services.update_partnership(
            partnership=form.save(commit=False), changed_by=request.user, fields=form.changed_data, request=request
        )
        messages.success(request, "The partnership's details are saved.")
        return redirect("partnership_overview", partnership.slug)
    return render(request, "reviews/partnership_edit.html", {"partnership": partnership, "form": form})


@login_required
def staff_list(request, slug):
    partnership = business_manager_of(request, slug)
    return render(
        request,
        "reviews/staff_list.html",
        {
            "partnership": partnership,
            "memberships": partnership.memberships.select_related("user"),
        },
    )


@login_required
def staff_add(request, slug):
    partnership = business_manager_of(request, slug)
    form = StaffMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.add_staff_member(
                partnership=partnership,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                added_by=request.user,
                request=request,
            )
        except services.DomainError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"{membership.user} is added. We have emailed them how to sign in.")
            return redirect("staff_list", partnership.slug)
    return render(request, "reviews/staff_add.html", {"partnership": partnership, "form": form})


@login_required
def staff_edit(request, slug, membership_id):
    partnership = business_manager_of(request, slug)
    membership = get_object_or_404(partnership.memberships.select_related("user"), pk=membership_id)
    form = RoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_role(
                membership=membership, role=form.cleaned_data["role"], changed_by=request.user, request=request
            )
        except services.DomainError as error:
            form.add_error("role", str(error))
        else:
            messages.success(request, f"{membership.user}'s role is saved.")
            return redirect("staff_list", partnership.slug)
    return render(
        request, "reviews/staff_edit.html", {"partnership": partnership, "membership": membership, "form": form}
    )


@login_required
@require_POST
def staff_remove(request, slug, membership_id):
    partnership = business_manager_of(request, slug)
    membership = get_object_or_404(partnership.memberships.select_related("user"), pk=membership_id)
    try:
        services.remove_staff_member(membership=membership, removed_by=request.user, request=request)
    except services.DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{membership.user} no longer has access to {partnership.name}.")
    return redirect("staff_list", partnership.slug)


@login_required
def account(request):
    return render(request, "reviews/account.html", {})


@require_POST
def session_keepalive(request):
    """The "stay signed in" button: renew the idle timer now, whatever the middleware's rounding."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    request.session["convene_last_seen"] = int(time.time())
    return HttpResponse(status=204)


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
        except services.DomainError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"{review} is created.")
            return redirect("review_detail", partnership.slug, review.pk)
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
        except services.DomainError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"{review} is saved.")
            return redirect("review_detail", partnership.slug, review.pk)
    return render(request, "reviews/review_form.html", {"partnership": partnership, "form": form, "review": review})


def _review_page(request, review, **extra):
    partnership = review.partnership
    return render(
        request,
        "reviews/review_detail.html",
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
        except services.DomainError as error:
            messages.error(request, str(error))
        else:
            review.refresh_from_db()
            messages.success(request, f"{review} has moved to “{review.get_status_display()}”.")
        return redirect("review_detail", review.partnership.slug, review.pk)
    return _review_page(request, review, status_form=form)


@login_required
@require_POST
def review_reveal_name(request, slug, review_id):
    review = review_for(request, slug, review_id, manage=True)
    name = services.reveal_subject_name(review=review, viewer=request.user, request=request)
    return _review_page(request, review, revealed_name=name or "No real name is recorded for this review.")
