"""The legal pages: the version in force now, or an earlier one by its id (orders link to it)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from .models import LegalPage, LegalText
from .rendering import legal_html
from .selectors import legal_text_current, legal_text_versions


def _page(slug: str) -> LegalPage:
    try:
        return LegalPage(slug)
    except ValueError:
        raise Http404 from None


def _render(request, page: LegalPage, text: LegalText, *, current: LegalText | None):
    return TemplateResponse(
        request,
        "legal/page.html",
        {
            "page": page,
            "text": text,
            "body": legal_html(text.body),
            "current": current,
            "versions": legal_text_versions(page=page.value),
        },
    )


def legal_page(request, page: str):
    legal = _page(page)
    text = legal_text_current(page=legal.value)
    if text is None:
        raise Http404
    return _render(request, legal, text, current=text)


def legal_page_version(request, page: str, pk: int):
    legal = _page(page)
    text = get_object_or_404(LegalText.objects.in_force(), page=legal.value, pk=pk)
    return _render(request, legal, text, current=legal_text_current(page=legal.value))
