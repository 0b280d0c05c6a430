"""The shop's error pages (400, 403, 404, 500, CSRF failure), in the shopper's language.

config/urls.py points Django's handlers here and CSRF_FAILURE_VIEW at `csrf_failure`. 400, 403,
404 and the CSRF page use the full shop layout; 500 renders a template that needs no database
(the error may be the database) and no context processor.
"""

from django.conf import settings
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


def _error(request, template: str, status: int):
    response = TemplateResponse(request, template, {"status": status}, status=status)
    return response.render()


@requires_csrf_token
def bad_request(request, exception=None):
    return _error(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _error(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    """Under /api/ a 404 is JSON like every other API answer (an unknown URL too); on the staff's
    desk pages it is a plain page in the back-office look (another store's order, return or
    count looks exactly like a missing one); elsewhere the shop's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    if request.path.startswith(tuple(settings.STAFF_PATH_PREFIXES)):
        return render(request, "staff/404.html", status=404)
    return _error(request, "404.html", 404)


@requires_csrf_token
def server_error(request):
    return HttpResponseServerError(loader.get_template("500.html").render({}))


def csrf_failure(request, reason=""):
    return _error(request, "403_csrf.html", 403)
