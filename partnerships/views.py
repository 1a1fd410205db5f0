"""The partnership's own pages: its details, its staff, and each member's account."""

import time

from allauth.account.utils import get_next_redirect_url
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from core.access import business_manager_of
from core.errors import DomainError
from partnerships import services, sso
from partnerships.forms import (
    PartnershipDetailsForm,
    RoleForm,
    SingleSignOnProviderForm,
    StaffMemberForm,
    StartSingleSignOnForm,
)
from partnerships.models import SingleSignOnProvider


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


# Single sign-on ----------------------------------------------------------------------------------


def _sso_provider_of(request, slug, provider_id):
    partnership = business_manager_of(request, slug)
    return partnership, get_object_or_404(partnership.sso_providers.all(), pk=provider_id)


def _redirect_uri(request, provider):
    return settings.SITE_URL + reverse("openid_connect_callback", kwargs={"provider_id": provider.app_id})


@login_required
def sso_list(request, slug):
    partnership = business_manager_of(request, slug)
    providers = [
        (provider, _redirect_uri(request, provider))
        for provider in partnership.sso_providers.prefetch_related("domains")
    ]
    return render(request, "partnerships/sso/list.html", {"partnership": partnership, "providers": providers})


def _sso_form_page(request, partnership, provider):
    form = SingleSignOnProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_sso_provider(
                partnership=partnership,
                provider=form.save(commit=False),
                domains=form.cleaned_data["email_domains"],
                changed_by=request.user,
                fields=form.changed_data,
                request=request,
            )
        except DomainError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"{saved.name} is saved.")
            return redirect("partnerships:sso_list", partnership.slug)
    context = {"partnership": partnership, "provider": provider, "form": form}
    if provider.pk is not None:
        context["redirect_uri"] = _redirect_uri(request, provider)
    return render(request, "partnerships/sso/form.html", context)


@login_required
def sso_add(request, slug):
    partnership = business_manager_of(request, slug)
    return _sso_form_page(request, partnership, SingleSignOnProvider(partnership=partnership))


@login_required
def sso_edit(request, slug, provider_id):
    partnership, provider = _sso_provider_of(request, slug, provider_id)
    return _sso_form_page(request, partnership, provider)


@login_required
@require_POST
def sso_remove(request, slug, provider_id):
    partnership, provider = _sso_provider_of(request, slug, provider_id)
    services.remove_sso_provider(provider=provider, removed_by=request.user, request=request)
    messages.success(request, f"{provider.name} is removed. Its staff now sign in with a password.")
    return redirect("partnerships:sso_list", partnership.slug)


def sso_start(request):
    """Sign in with the organisation's account: the email address's domain names the provider."""
    form = StartSingleSignOnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        provider = form.provider
        app_provider = get_social_adapter().get_provider(request, provider.app_id)
        try:
            response = app_provider.redirect(request, process="login", next_url=get_next_redirect_url(request))
        except (OSError, ValueError, KeyError):
            # The provider's discovery document could not be read (requests' errors are OSErrors).
            form.add_error(
                "email",
                f"Convene cannot reach {provider.name} just now. Try again in a few minutes; if it keeps "
                "happening, tell your partnership's business manager",
            )
            return render(request, "partnerships/sso/start.html", {"form": form})
        if response.status_code == 302:
            # A page with a link, not a redirect: the sign-in form's Content-Security-Policy sends forms
            # only to Convene itself, and a browser holds a form's redirect to that rule.
            return render(
                request,
                "partnerships/sso/continue.html",
                {"provider": provider, "authorize_url": response["Location"]},
            )
        return response
    return render(request, "partnerships/sso/start.html", {"form": form})


@require_GET
def signed_out(request):
    """After signing out: where the provider publishes an end session endpoint, offer to sign out there too."""
    provider = None
    end_session = None
    provider_id = request.GET.get("provider", "")
    if provider_id.isdigit():
        provider = SingleSignOnProvider.objects.filter(pk=int(provider_id)).first()
    if provider is not None:
        end_session = sso.end_session_url(provider)
        if end_session:
            separator = "&" if "?" in end_session else "?"
            end_session = f"{end_session}{separator}{urlencode({'client_id': provider.client_id})}"
    return render(request, "partnerships/sso/signed_out.html", {"provider": provider, "end_session": end_session})
