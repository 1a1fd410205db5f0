from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reviews import services
from reviews.access import business_manager_of, partnership_for
from reviews.forms import PartnershipDetailsForm, RoleForm, StaffMemberForm
from reviews.models import Membership, Partnership


@login_required
def home(request):
    partnerships = list(Partnership.objects.visible_to(request.user))
    if len(partnerships) == 1:
        return redirect("partnership_overview", partnerships[0].slug)
    return render(request, "reviews/home.html", {"partnerships": partnerships})


@login_required
def partnership_overview(request, slug):
    partnership = partnership_for(request, slug)
    memberships = partnership.memberships.select_related("user")
    return render(
        request,
        "reviews/partnership_overview.html",
        {
            "partnership": partnership,
            "role": partnership.role_of(request.user),
            "business_managers": [m for m in memberships if m.role == Membership.Role.BUSINESS_MANAGER],
            "reviewers": [m for m in memberships if m.role == Membership.Role.REVIEWER],
        },
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
    partnership = partnership_for(request, slug)
    return render(
        request,
        "reviews/staff_list.html",
        {
            "partnership": partnership,
            "memberships": partnership.memberships.select_related("user"),
            "can_manage": request.user.is_superuser
            or partnership.role_of(request.user) == Membership.Role.BUSINESS_MANAGER,
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
    """The "stay signed in" button: the session middleware has already renewed the idle timer."""
    return HttpResponse(status=204 if request.user.is_authenticated else 401)
