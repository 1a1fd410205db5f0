from django.dispatch import receiver

from core.signals import staff_removed
from events.models import CalendarFeed, Event


@receiver(staff_removed)
def take_off_chair(sender, membership, **kwargs):
    """Someone who left the partnership's staff no longer chairs any of its events."""
    Event.objects.filter(review__partnership_id=membership.partnership_id, chair_id=membership.user_id).update(
        chair=None
    )


@receiver(staff_removed)
def stop_calendar_feed(sender, membership, **kwargs):
    """Someone who left the partnership's staff keeps no feed of its events (lookup refuses it in any case)."""
    CalendarFeed.objects.filter(partnership_id=membership.partnership_id, user_id=membership.user_id).delete()
