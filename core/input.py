"""The one check on text that reaches the database, and the one JSON reader.

PostgreSQL refuses NUL characters in text, and Python's JSON reader recurses once per level of
nesting: unchecked, either answers 500. `RejectUnsafeInputMiddleware` refuses NUL in the path, the
query string and form fields of every request (400 with a reason); `json_loads` reads JSON with a
depth limit and refuses NUL in its strings, for the API's parser (`core.parsers.SafeJSONParser`) and
for uploaded files (the stock snapshot).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_JSON_DEPTH = 32
NUL = "\x00"


class UnsafeInput(ValueError):
    """Input no part of the system accepts; the message is for a person."""


def nul_refusal() -> str:
    return _("The request contains a NUL character, which no text may contain.")


def json_loads(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH, **kwargs: Any) -> Any:
    """json.loads that refuses nesting deeper than `max_depth` and NUL in any string (key or
    value). Raises UnsafeInput (a ValueError) for those, ValueError for malformed JSON."""
    try:
        data = json.loads(text, **kwargs)
    except RecursionError:
        raise UnsafeInput(too_deep(max_depth)) from None
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            if depth > max_depth:
                raise UnsafeInput(too_deep(max_depth))
            for key, item in value.items():
                if NUL in key:
                    raise UnsafeInput(nul_refusal())
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            if depth > max_depth:
                raise UnsafeInput(too_deep(max_depth))
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and NUL in value:
            raise UnsafeInput(nul_refusal())
    return data


def too_deep(max_depth: int) -> str:
    return _("The JSON is nested deeper than %(max)d levels.") % {"max": max_depth}


def _has_nul(request: HttpRequest) -> bool:
    if NUL in request.path_info:
        return True
    for data in (request.GET, request.POST if request.method != "GET" else None):
        if data is None:
            continue
        for key, values in data.lists():
            if NUL in key or any(NUL in value for value in values):
                return True
    if request.method != "GET":
        for key, upload in request.FILES.items():
            if NUL in key or NUL in (upload.name or ""):
                return True
    return False


class RejectUnsafeInputMiddleware:
    """400 with a reason for a NUL character in the path, the query string or a form field (or an
    uploaded file's name), before any view, form or query sees it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refused = _has_nul(request)
            reason = nul_refusal()
        except MultiPartParserError:
            refused, reason = True, _("The uploaded form data is malformed.")
        if refused:
            logger.warning("Refused unsafe input: %s %r", request.method, request.path_info)
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": reason, "code": "invalid_input"}, status=400)
            return HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
