"""Loading a partnership's objects for the signed-in user: 404 for anyone outside it."""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404

from core.models import Membership, Partnership


def partnership_for(request, slug, *, roles=None):
    """The partnership if the user belongs to it (with one of `roles`, if given); 404 otherwise.

    A member without the needed role gets 403: they know the partnership exists.
    """
    partnership = get_object_or_404(
        _with_role_of(request.user, Partnership.objects.visible_to(request.user)), slug=slug
    )
    # The role came with the partnership: role_of answers from it for the rest of the request.
    partnership.remember_role(request.user, partnership.role_of_user)
    request.partnership = partnership
    if roles is not None and not request.user.is_superuser and partnership.role_of(request.user) not in roles:
        raise PermissionDenied
    return partnership


def _with_role_of(user, partnerships):
    """Each partnership with the user's role in it (None if they have none), in the same query."""
    if not user.is_authenticated:
        return partnerships
    role = Membership.objects.filter(partnership=OuterRef("pk"), user=user).order_by().values("role")[:1]
    return partnerships.annotate(role_of_user=Subquery(role))


def business_manager_of(request, slug):
    return partnership_for(request, slug, roles={Membership.Role.BUSINESS_MANAGER})


def is_business_manager(user, partnership):
    return user.is_superuser or partnership.role_of(user) == Membership.Role.BUSINESS_MANAGER
