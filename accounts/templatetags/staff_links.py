from django import template

from accounts.staff_links import customer_page_url as _customer_page_url

register = template.Library()


@register.simple_tag
def customer_page_url(customer_id, page):
    """{% customer_page_url order.customer_id "pickup" as url %}: the staff's customer page."""
    return _customer_page_url(customer_id=customer_id, page=page)
