"""The API's request parsers."""

import codecs

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .input import json_loads


class SafeJSONParser(JSONParser):
    """DRF's JSON parser through `core.input.json_loads`: a body nested too deep or with a NUL
    character in a string is a 400 with the reason, not a RecursionError or a database error."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read() if stream is not None else ""
            return json_loads(text, parse_constant=_strict)
        except ValueError as error:  # malformed, too deep, NUL, or not decodable
            raise ParseError(_("JSON parse error - %(error)s") % {"error": error}) from None


def _strict(value: str):
    raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
