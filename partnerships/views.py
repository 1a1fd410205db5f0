"""The partnership's own pages: its details, its staff, and each member's account."""

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.access import business_manager_of
from core.errors import DomainError
from partnerships import services
from partnerships.forms import PartnershipDetailsForm, RoleForm, StaffMemberForm


@login_required
def partnership_edit(request, slug):
    partnership = business_manager_of(request, slug)
    form = PartnershipDetailsForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        services.update_partnership(
            partnership=form.save(commit=False), changed_by=request.user, fields=form.changed_data, request=request
        )
        messages.success(request, "The partnership's details are saved.")
        return redirect("overview:partnership_overview", partnership.slug)
    return render(request, "partnerships/partnership_edit.html", {"partnership": partnership, "form": form})


@login_required
def staff_list(request, slug):
    partnership = business_manager_of(request, slug)
    return render(
        request,
        "partnerships/staff_list.html",
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
        except DomainError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"{membership.user} is added. We have emailed them how to sign in.")
            return redirect("partnerships:staff_list", partnership.slug)
    return render(request, "partnerships/staff_add.html", {"partnership": partnership, "form": form})


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
        except DomainError as error:
            form.add_error("role", str(error))
        else:
            messages.success(request, f"{membership.user}'s role is saved.")
            return redirect("partnerships:staff_list", partnership.slug)
    return render(
        request, "partnerships/staff_edit.html", {"partnership": partnership, "membership": membership, "form": form}
    )


@login_required
@require_POST
def staff_remove(request, slug, membership_id):
    partnership = business_manager_of(request, slug)
    membership = get_object_or_404(partnership.memberships.select_related("user"), pk=membership_id)
    try:
        services.remove_staff_member(membership=membership, removed_by=request.user, request=request)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{membership.user} no longer has access to {partnership.name}.")
    return redirect("partnerships:staff_list", partnership.slug)


@login_required
def account(request):
    return render(request, "partnerships/account.html", {})


@require_POST
def session_keepalive(request):
    """The "stay signed in" button: renew the idle timer now, whatever the middleware's rounding."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    request.session["convene_last_seen"] = int(time.time())
    return HttpResponse(status=204)
