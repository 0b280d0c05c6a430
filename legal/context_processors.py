"""The footer's legal links on every page (no query: the pages are fixed, their texts are not read)."""

from .selectors import footer_pages


def legal(request):
    return {"legal_pages": footer_pages()}
