"""State changes for partnerships and their staff: one function each, audited."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from core import audit
from core.errors import DomainError
from core.models import Membership, Partnership, User
from core.signals import staff_removed
from notifications.services import queue_email, render_email
from partnerships.models import SingleSignOnDomain, SingleSignOnProvider


def staff_added_context(partnership, user, *, added_by, role, set_password_url, new_account=None, provider=None):
    """What the email to a new member of staff (and its sample) is rendered with.

    A new account sets its password, unless its email domain must sign in through one of the
    partnership's OpenID providers (`provider`): then it gets no password link, which it could never use.
    """
    return {
        "partnership": partnership,
        "user": user,
        "added_by": added_by,
        "role": role,
        "new_account": set_password_url is not None if new_account is None else new_account,
        "set_password_url": set_password_url,
        "sign_in_url": settings.SITE_URL + reverse("account_login"),
        "provider": provider,
        "mfa_at_provider": provider is not None and provider.enforces_mfa,
        "sso_url": settings.SITE_URL + reverse("account:sso_start"),
    }


def set_password_url(user):
    """A one-time link to allauth's set-password page (the same one "forgotten password" uses)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return settings.SITE_URL + path


def add_staff_member(*, partnership, email, full_name, role, added_by, request=None):
    """Add someone to a partnership's staff; a new account gets an emailed link to set its password."""
    email = email.strip().lower()
    with transaction.atomic():
        lock_partnership(partnership.pk)
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name.strip()})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if Membership.objects.filter(user=user, partnership=partnership).exists():
            raise DomainError(f"{email} is already a member of staff at {partnership.name}.")
        membership = Membership.objects.create(user=user, partnership=partnership, role=role, added_by=added_by)
        audit.record("staff.added", request=request, actor=added_by, partnership=partnership, obj=membership, role=role)
        # Staff whose domain must use a provider get no password link: they could never use it.
        provider = SingleSignOnProvider.objects.for_email(user.email)
        context = staff_added_context(
            partnership,
            user,
            added_by=added_by,
            role=membership.get_role_display(),
            set_password_url=set_password_url(user) if created and provider is None else None,
            new_account=created,
            provider=provider,
        )
        subject, text, html = render_email("partnerships/emails/staff_added", context)
        queue_email(
            kind="staff_added",
            recipient=user.email,
            subject=subject,
            body_text=text,
            body_html=html,
            partnership=partnership,
            about=membership,
            idempotency_key=f"staff_added:{membership.pk}",
        )
    return membership


def change_role(*, membership, role, changed_by, request=None):
    with transaction.atomic():
        lock_partnership(membership.partnership_id)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.role == role:
            return membership
        if membership.role == Membership.Role.BUSINESS_MANAGER:
            _keep_one_business_manager(membership)
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit.record(
            "staff.role_changed",
            request=request,
            actor=changed_by,
            partnership=membership.partnership,
            obj=membership,
            previous=previous,
            role=role,
        )
    return membership


def remove_staff_member(*, membership, removed_by, request=None):
    """Take someone off a partnership's staff, and off its reviews and the chair of its events."""
    with transaction.atomic():
        lock_partnership(membership.partnership_id)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.role == Membership.Role.BUSINESS_MANAGER:
            _keep_one_business_manager(membership)
        # The apps above take the person off what they hold in this partnership (reviews, events' chair).
        staff_removed.send(sender=Membership, membership=membership)
        audit.record(
            "staff.removed",
            request=request,
            actor=removed_by,
            partnership=membership.partnership,
            obj=membership,
            email=membership.user.email,
        )
        membership.delete()


def lock_partnership(partnership_id):
    """Staff changes of one partnership take turns, so two managers cannot demote each other at once."""
    Partnership.objects.select_for_update().filter(pk=partnership_id).first()


def _keep_one_business_manager(membership):
    others = (
        Membership.objects.select_for_update()
        .business_managers()
        .filter(partnership=membership.partnership)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise DomainError("A partnership needs at least one business manager. Add another one first.")


def update_partnership(*, partnership, changed_by, fields, request=None):
    with transaction.atomic():
        partnership.save()
        audit.record(
            "partnership.updated",
            request=request,
            actor=changed_by,
            partnership=partnership,
            obj=partnership,
            fields=sorted(fields),
        )
    return partnership


def record_audit_export(*, partnership, by, filters, count, request=None):
    """Audit a download of the audit log: who took which entries (the filters they chose, how many)."""
    audit.record(
        "audit.exported",
        request=request,
        actor=by,
        partnership=partnership,
        obj=partnership,
        filters=filters,
        rows=count,
    )


def save_sso_provider(*, partnership, provider, domains, changed_by, fields, request=None):
    """Add or change one of the partnership's OpenID providers and the email domains that must use it."""
    domains = sorted({domain.strip().lower() for domain in domains if domain.strip()})
    with transaction.atomic():
        lock_partnership(partnership.pk)
        claimed = SingleSignOnDomain.objects.filter(domain__in=domains).exclude(provider__pk=provider.pk)
        taken = claimed.select_related("provider").first()
        if taken is not None:
            raise DomainError(
                f"Enter email domains no other provider uses: {taken.domain} already signs in with "
                f"{taken.provider.name}.",
                field="email_domains",
            )
        if (
            SingleSignOnProvider.objects.filter(partnership=partnership, name=provider.name)
            .exclude(pk=provider.pk)
            .exists()
        ):
            raise DomainError("Enter a display name no other provider of this partnership has.", field="name")
        created = provider.pk is None
        provider.partnership = partnership
        provider.save()
        previous = set(provider.domain_list())
        provider.domains.exclude(domain__in=domains).delete()
        SingleSignOnDomain.objects.bulk_create(
            [SingleSignOnDomain(provider=provider, domain=domain) for domain in domains if domain not in previous]
        )
        audit.record(
            "sso.provider_added" if created else "sso.provider_changed",
            request=request,
            actor=changed_by,
            partnership=partnership,
            obj=provider,
            # Names of the fields only: never the secret.
            fields=sorted(fields),
            domains=domains,
        )
    return provider


def remove_sso_provider(*, provider, removed_by, request=None):
    """Take a provider away: its staff sign in with a password and authenticator app again, once one is set."""
    with transaction.atomic():
        lock_partnership(provider.partnership_id)
        audit.record(
            "sso.provider_removed",
            request=request,
            actor=removed_by,
            partnership=provider.partnership,
            obj=provider,
            name=provider.name,
            domains=provider.domain_list(),
        )
        # Its links by subject go with it: a provider added again links each account afresh.
        SocialAccount.objects.filter(provider=provider.app_id).delete()
        provider.delete()
