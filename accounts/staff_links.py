"""Where a staff page links to the customer's 360 page.

The desks (pickup, loyalty, returns) sit below the `customers` app that owns the customer
page, so they cannot reverse its URL themselves; `customers` registers it here on start-up.
Without it (an installation without the customers app) the desks show no link.
"""

from collections.abc import Callable

CustomerPageUrl = Callable[[int, str], str]

_customer_page: list[CustomerPageUrl] = []


def customer_page_register(build: CustomerPageUrl) -> None:
    """Set the function that returns the staff's customer page for (customer id, desk name)."""
    _customer_page[:] = [build]


def customer_page_url(*, customer_id: int | None, page: str) -> str:
    """The link to the customer's page from `page` ("pickup", "loyalty", "returns"), or ""."""
    if not customer_id or not _customer_page:
        return ""
    return _customer_page[0](customer_id, page)
