"""Checkout reads the store's calendar and the legal texts in force from the cache; a change
to either is seen by the next order."""

import datetime as dt

import pytest
from django.utils import timezone

from legal.models import LegalPage, LegalText
from legal.selectors import order_terms
from shop.orders.services.orders import order_place
from stores.models import SpecialDay

pytestmark = pytest.mark.django_db


def _place(shopper, store, jacket):
    return order_place(customer=shopper, store=store, lines=[(jacket, 1)], phone="+49 30 1234567")


def test_a_closed_week_is_seen_by_the_next_promise(store, jacket, shopper):
    first = _place(shopper, store, jacket)
    assert first.promised_ready_at is not None
    today = timezone.localdate()
    for n in range(8):
        SpecialDay.objects.create(store=store, date=today + dt.timedelta(days=n), closed=True)
    later = _place(shopper, store, jacket)
    assert timezone.localdate(later.promised_ready_at) >= today + dt.timedelta(days=8)
    SpecialDay.objects.filter(store=store).delete()  # a queryset delete: one signal per row
    reopened = _place(shopper, store, jacket).promised_ready_at
    assert timezone.localdate(reopened) == timezone.localdate(first.promised_ready_at)


def test_new_terms_apply_to_the_next_order(store, jacket, shopper):
    now = timezone.now()
    old = LegalText.objects.create(
        page=LegalPage.TERMS, valid_from=now - dt.timedelta(days=30), title_de="AGB", body_de="a"
    )
    assert _place(shopper, store, jacket).terms_version == old
    new = LegalText.objects.create(
        page=LegalPage.TERMS, valid_from=now - dt.timedelta(minutes=1), title_de="AGB", body_de="b"
    )
    assert _place(shopper, store, jacket).terms_version == new
    # A version that comes into force later is already cached and takes over by itself.
    future = LegalText.objects.create(
        page=LegalPage.TERMS, valid_from=now + dt.timedelta(hours=1), title_de="AGB", body_de="c"
    )
    assert _place(shopper, store, jacket).terms_version == new
    assert order_terms(at=now + dt.timedelta(hours=2)).texts[LegalPage.TERMS] == future
