from django.dispatch import receiver

from core.signals import staff_removed
from reviews.models import Review


@receiver(staff_removed)
def take_off_reviews(sender, membership, **kwargs):
    """Someone who left the partnership's staff is no longer a reviewer of any of its reviews."""
    Review.reviewers.through.objects.filter(
        user_id=membership.user_id, review__partnership_id=membership.partnership_id
    ).delete()
