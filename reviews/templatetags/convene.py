from django import template
from django.utils import timezone

from events.forms import format_time

register = template.Library()


@register.filter
def uk_datetime(value):
    """ "23 November 2026, 2:05pm" in UK time, as GOV.UK writes it."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y}, {format_time(local.time())}"
