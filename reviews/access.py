"""Loading a review for the signed-in user: 404 for anyone outside its partnership or not assigned to it."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from core.access import is_business_manager, partnership_for
from reviews.models import Review


def review_for(request, slug, review_id, *, manage=False):
    """A review the user may see (business managers: all the partnership's; reviewers: assigned).

    With manage=True only a business manager (or superuser) gets it; an assigned reviewer gets 403.
    """
    partnership = partnership_for(request, slug)
    review = get_object_or_404(Review.objects.visible_to(request.user, partnership), pk=review_id)
    review.partnership = partnership  # the same row, with the user's role already known
    if manage and not is_business_manager(request.user, partnership):
        raise PermissionDenied
    return review
