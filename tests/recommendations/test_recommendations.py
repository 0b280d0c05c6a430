"""Recommendations from co-purchases across channels, on a small data set counted by hand.

Purchases (T is the store where everything is bought, S the shopper's store):
    u1: online order {A, B} (collected) + till receipt with u1's card {C}   → basket {A, B, C}
    u2: online order {A, C} (placed)                                        → basket {A, C}
    u3: online order {A, D} cancelled (no purchase) + card receipt {A, E}   → basket {A, E}
    R-1, receipt without card {A, B}                                        → basket {A, B}
    R-2, receipt without card {B, G}, G inactive                            → basket {B}
    R-3, receipt without card {A, E} and a returned F                       → basket {A, E}
    R-4, receipt without card {A, E}                                        → basket {A, E}
Pairs: A–B 2 (u1, R-1), A–C 2 (u1, u2), B–C 1 (u1), A–E 3 (u3, R-3, R-4).
At S only C and E are in stock.
"""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from loyalty.till.services import ReceiptLineIn, till_receipt_book
from shop.recommendations.models import AlsoBought, CustomerPick
from shop.recommendations.selectors import also_bought, customer_picks
from shop.recommendations.services import recommendations_compute
from shop.recommendations.tasks import compute_recommendations
from tests import factories

pytestmark = pytest.mark.django_db


class World:
    pass


def _receipt(store, number, variants, account=None, returned=()):
    lines = [
        ReceiptLineIn(quantity=1, unit_price=Decimal(str(v.price)), sku=v.sku) for v in variants
    ]
    lines += [
        ReceiptLineIn(quantity=-1, unit_price=Decimal(str(v.price)), sku=v.sku, returned=True)
        for v in returned
    ]
    total = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
    till_receipt_book(store=store, number=number, total=total, lines=lines, account=account)


@pytest.fixture
def world(db):
    w = World()
    w.till = factories.StoreFactory(name="Kasse Mitte")
    w.mine = factories.StoreFactory(name="Mein Laden")
    names = "ABCDEFG"
    for name in names:
        variant = factories.VariantFactory(
            product__name=f"Produkt {name}", product__slug=f"produkt-{name.lower()}", price="10.00"
        )
        factories.stock(w.till, variant, 20)
        setattr(w, name, variant.product)
        setattr(w, f"v{name}", variant)
    factories.stock(w.mine, w.vC, 5)
    factories.stock(w.mine, w.vE, 5)
    factories.stock(w.mine, w.vB, 0)
    w.u1, w.u2, w.u3 = factories.UserFactory(), factories.UserFactory(), factories.UserFactory()
    factories.collected_order(w.till, [(w.vA, 1), (w.vB, 1)], customer=w.u1)
    _receipt(w.till, "R-U1", [w.vC], account=factories.loyalty_account(w.u1))
    factories.pickup_order(w.till, [(w.vA, 1), (w.vC, 2)], customer=w.u2)
    factories.pickup_order(w.till, [(w.vA, 1), (w.vD, 1)], customer=w.u3, status="cancelled")
    _receipt(w.till, "R-U3", [w.vA, w.vE], account=factories.loyalty_account(w.u3))
    _receipt(w.till, "R-1", [w.vA, w.vB])
    _receipt(w.till, "R-2", [w.vB, w.vG])
    _receipt(w.till, "R-3", [w.vA, w.vE], returned=[w.vF])
    _receipt(w.till, "R-4", [w.vA, w.vE])
    w.G.is_active = False
    w.G.save()
    return w


def expected_pairs(w):
    # u3's basket and the receipts R-3 and R-4 hold A and E: 3; A–B: u1 and R-1; A–C: u1, u2.
    return {
        (w.A.pk, w.B.pk): 2,
        (w.A.pk, w.C.pk): 2,
        (w.B.pk, w.C.pk): 1,
        (w.A.pk, w.E.pk): 3,
    }


def stored_pairs():
    return {(r.product_id, r.related_id): r.score for r in AlsoBought.objects.all()}


def test_co_purchases_across_channels_are_counted_per_customer_and_basket(world):
    w = world
    report = recommendations_compute()
    both_ways = {}
    for (a, b), score in expected_pairs(w).items():
        both_ways[(a, b)] = both_ways[(b, a)] = score
    assert stored_pairs() == both_ways
    # D was only in a cancelled order, F only returned, G is inactive: none of them appears
    seen = {pk for pair in stored_pairs() for pk in pair}
    assert not seen & {w.D.pk, w.F.pk, w.G.pk}
    # baskets: u1, u2, u3, R-1, R-2 (B alone), R-3, R-4
    assert (report.baskets, report.pairs, report.customers) == (7, 4, 3)
    picks = {(p.customer_id, p.product_id): p.score for p in CustomerPick.objects.all()}
    assert picks == {
        # u1 bought A, B, C: E through A (3)
        (w.u1.pk, w.E.pk): 3,
        # u2 bought A, C: B through A (2) and C (1), E through A (3)
        (w.u2.pk, w.B.pk): 3,
        (w.u2.pk, w.E.pk): 3,
        # u3 bought A, E: B and C through A
        (w.u3.pk, w.B.pk): 2,
        (w.u3.pk, w.C.pk): 2,
    }


def test_recompute_is_idempotent_and_follows_new_purchases(world):
    w = world
    recommendations_compute()
    first = stored_pairs()
    recommendations_compute()
    assert stored_pairs() == first
    assert AlsoBought.objects.count() == 8
    # a new receipt {B, C} the next night: B–C now 2
    _receipt(w.till, "R-5", [w.vB, w.vC])
    compute_recommendations()  # the beat task
    assert stored_pairs()[(w.B.pk, w.C.pk)] == 2
    assert AlsoBought.objects.count() == 8


def test_beat_runs_the_job_nightly_and_the_command_runs_it_now(world, capsys):
    entry = settings.CELERY_BEAT_SCHEDULE["compute-recommendations"]
    assert entry["task"] == compute_recommendations.name
    assert entry["schedule"].hour == {4}
    call_command("recommendations_compute")
    assert "4 product pairs" in capsys.readouterr().out
    assert AlsoBought.objects.count() == 8


def test_also_bought_in_stock_at_my_store_first_in_one_query(world, django_assert_num_queries):
    w = world
    recommendations_compute()
    with django_assert_num_queries(1):
        shown = also_bought(product=w.A, store=w.mine, limit=10)
    # C and E are at my store (E scores higher), B is not
    assert [p.pk for p in shown] == [w.E.pk, w.C.pk, w.B.pk]
    assert [p.in_my_store for p in shown] == [True, True, False]
    assert shown[0].price_min == Decimal("10.00")
    # without a store: by score, then by product
    assert [p.pk for p in also_bought(product=w.A, store=None, limit=10)] == [
        w.E.pk,
        w.B.pk,
        w.C.pk,
    ]
    assert [p.pk for p in also_bought(product=w.A, store=None, limit=2)] == [w.E.pk, w.B.pk]


def test_a_product_deactivated_since_the_run_is_not_shown(world):
    w = world
    recommendations_compute()
    w.E.is_active = False
    w.E.save()
    assert [p.pk for p in also_bought(product=w.A, store=w.mine)] == [w.C.pk, w.B.pk]
    assert w.A.pk not in [p.pk for p in also_bought(product=w.A, store=w.mine)]


def test_for_you_leaves_out_what_the_customer_bought_in_one_query(world, django_assert_num_queries):
    w = world
    recommendations_compute()
    with django_assert_num_queries(1):
        shown = customer_picks(customer=w.u2, store=w.mine)
    assert [p.pk for p in shown] == [w.E.pk, w.B.pk]  # equal scores: E is at my store
    assert [p.pk for p in customer_picks(customer=w.u1, store=None)] == [w.E.pk]
    # someone who bought nothing gets nothing
    assert customer_picks(customer=factories.UserFactory(), store=w.mine) == []


@pytest.mark.parametrize(
    ("language", "title", "badge"),
    [("en", "Customers also bought", "In stock in my store"), ("de", "Kunden kauften auch", "")],
)
def test_product_page_shows_customers_also_bought(world, client, language, title, badge):
    w = world
    recommendations_compute()
    client.post(reverse("stores:choose"), {"store": w.mine.code, "next": "/"})
    response = client.get(w.A.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 200
    assert title in html
    section = html[html.index('data-testid="also-bought"') :]
    order = [section.index(f'data-product="{p.slug}"') for p in (w.E, w.C, w.B)]
    assert order == sorted(order)
    assert f'data-product="{w.A.slug}"' not in section.split("</section>")[0]
    if language == "de":
        assert "10,00\xa0€" in section  # a non-breaking space, as format_money writes it
    else:
        assert "€10.00" in section
        assert badge in section


@pytest.mark.parametrize(("language", "title"), [("en", "For you"), ("de", "Für Sie")])
def test_card_page_shows_for_you(world, client, language, title):
    w = world
    recommendations_compute()
    client.force_login(w.u2)
    response = client.get(reverse("loyalty:card"), HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 200
    assert title in html
    section = html[html.index('data-testid="for-you"') :].split("</section>")[0]
    assert f'data-product="{w.E.slug}"' in section
    assert f'data-product="{w.B.slug}"' in section
    assert f'data-product="{w.A.slug}"' not in section  # bought already
    assert f'data-product="{w.C.slug}"' not in section


def test_no_section_without_recommendations(world, client):
    w = world
    response = client.get(w.D.get_absolute_url())
    assert 'data-testid="also-bought"' not in response.content.decode()


def test_an_inactive_account_gets_no_picks(world):
    w = world
    w.u1.is_active = False  # e.g. erased: the orders stay, the person is gone
    w.u1.save(update_fields=["is_active"])
    recommendations_compute()
    assert not CustomerPick.objects.filter(customer=w.u1).exists()
    # the purchases still count for everyone else
    assert stored_pairs()[(w.B.pk, w.C.pk)] == 1


def test_the_picks_are_in_the_data_export_and_gone_with_the_erasure(world):
    from customers.selectors import customer_data
    from customers.services.erasure import erase_customer

    w = world
    recommendations_compute()
    exported = customer_data(user=w.u2)["recommendations_for_you"]
    assert {(row["product"], row["score"]) for row in exported} == {(w.E.name, 3), (w.B.name, 3)}
    w.u2.set_password(factories.PASSWORD)
    w.u2.save()
    erase_customer(user=w.u2, by=w.u2, password=factories.PASSWORD)
    assert not CustomerPick.objects.filter(customer=w.u2).exists()
    assert CustomerPick.objects.filter(customer=w.u1).exists()  # others keep theirs
