from django import template

from core import formatting

register = template.Library()

register.filter("uk_datetime", formatting.uk_datetime)
