"""Loading a partnership's objects for the signed-in user: 404 for anyone outside it."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from reviews.models import Membership, Partnership


def partnership_for(request, slug, *, roles=None):
    """The partnership if the user belongs to it (with one of `roles`, if given); 404 otherwise.

    A member without the needed role gets 403: they know the partnership exists.
    """
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    request.partnership = partnership
    if roles is not None and not request.user.is_superuser and partnership.role_of(request.user) not in roles:
        raise PermissionDenied
    return partnership


def business_manager_of(request, slug):
    return partnership_for(request, slug, roles={Membership.Role.BUSINESS_MANAGER})
