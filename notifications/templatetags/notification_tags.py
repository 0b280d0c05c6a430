from django import template

from notifications import selectors

register = template.Library()


@register.simple_tag
def latest_unread_notifications(user, limit: int = 5):
    return selectors.latest_unread(user, limit)
