"""The 404 page: in the back-office look for staff pages, in the shop's look elsewhere.

Another store's order, return or count opened by URL is a plain 404 (the same as a missing one),
never Django's debug page in production.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

STAFF_PREFIXES = ("/desk/", "/stock/", "/returns/desk/", "/loyalty/desk/")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    staff_page = request.path.startswith(STAFF_PREFIXES)
    template = "staff/404.html" if staff_page else "404.html"
    return render(request, template, status=404)
