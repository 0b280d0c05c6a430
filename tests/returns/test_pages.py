import pytest
from django.urls import reverse

from inventory.models import StockMovement
from returns.models import Refund, ReturnRequest, ReturnStatus
from returns.services import return_request_create
from tests import factories

from .helpers import line_of, on_hand


@pytest.fixture
def ret(order, jacket):
    return return_request_create(
        order=order, lines=[(line_of(order, jacket), 1)], reason="too_large", actor=order.customer
    )


def test_shopper_starts_a_return_and_a_double_submit_makes_one(client, order, jacket, socks):
    client.force_login(order.customer)
    url = reverse("returns:start", args=[order.public_id])
    page = client.get(url)
    assert page.status_code == 200
    token = page.context["form"]["token"].value()
    data = {
        "token": token,
        "reason": "changed_mind",
        f"qty_{line_of(order, jacket).pk}": "1",
        f"qty_{line_of(order, socks).pk}": "0",
    }
    first = client.post(url, data)
    second = client.post(url, data)
    ret = ReturnRequest.objects.get()
    assert first.url == second.url == ret.get_absolute_url()
    detail = client.get(ret.get_absolute_url())
    assert ret.code[:4] in detail.content.decode()
    assert b"data:image/svg+xml" in detail.content


def test_other_without_comment_is_a_form_error(client, order, jacket):
    client.force_login(order.customer)
    url = reverse("returns:start", args=[order.public_id])
    token = client.get(url).context["form"]["token"].value()
    response = client.post(
        url, {"token": token, "reason": "other", f"qty_{line_of(order, jacket).pk}": "1"}
    )
    assert response.status_code == 200
    assert "comment" in response.context["form"].errors
    assert not ReturnRequest.objects.exists()


def test_another_shopper_gets_a_404(client, ret, order):
    client.force_login(factories.UserFactory())
    assert client.get(ret.get_absolute_url()).status_code == 404
    assert client.get(reverse("returns:start", args=[order.public_id])).status_code == 404


def test_shopper_list_and_detail_queries(client, ret, order, django_assert_max_num_queries):
    client.force_login(order.customer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("returns:list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(ret.get_absolute_url()).status_code == 200


def test_order_include_shows_returns_and_start_button(rf, ret, order):
    from django.template.loader import render_to_string

    html = render_to_string("returns/includes/order_returns.html", {"order": order})
    assert ret.code_display in html  # "4GMH 4TPN", as on every page
    assert reverse("returns:start", args=[order.public_id]) in html


def test_desk_finds_by_code_and_receives_in_a_different_store(
    client, ret, associate, other_store, jacket
):
    client.force_login(associate)
    found = client.get(reverse("returns:desk"), {"q": ret.code.lower()})
    assert found.url == reverse("returns:desk_return", args=[ret.public_id])
    line = ret.lines.get()
    response = client.post(
        reverse("returns:desk_receive", args=[ret.public_id]),
        {f"condition_{line.pk}": "sellable", f"reject_reason_{line.pk}": ""},
    )
    assert response.status_code == 302
    assert on_hand(other_store, jacket) == 1
    # A second submit of the same form changes nothing.
    client.post(
        reverse("returns:desk_receive", args=[ret.public_id]),
        {f"condition_{line.pk}": "sellable", f"reject_reason_{line.pk}": ""},
    )
    assert StockMovement.objects.filter(store=other_store).count() == 1
    client.post(reverse("returns:desk_refund", args=[ret.public_id]), {"method": "store_credit"})
    client.post(reverse("returns:desk_refund", args=[ret.public_id]), {"method": "store_credit"})
    assert Refund.objects.count() == 1
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.REFUNDED


def test_desk_of_another_store_cannot_open_a_received_return(client, ret, associate, other_store):
    client.force_login(associate)
    line = ret.lines.get()
    client.post(
        reverse("returns:desk_receive", args=[ret.public_id]),
        {f"condition_{line.pk}": "sellable"},
    )
    client.force_login(factories.staff(factories.StoreFactory()))
    assert client.get(reverse("returns:desk_return", args=[ret.public_id])).status_code == 404


def test_desk_starts_a_return_at_the_counter_by_order_number(client, order, socks, associate):
    client.force_login(associate)
    found = client.get(reverse("returns:desk"), {"q": order.number})
    assert found.context["order"] == order
    url = reverse("returns:desk_start", args=[order.number])
    token = client.get(url).context["form"]["token"].value()
    response = client.post(
        url, {"token": token, "reason": "damaged", f"qty_{line_of(order, socks).pk}": "2"}
    )
    ret = ReturnRequest.objects.get()
    assert response.url == reverse("returns:desk_return", args=[ret.public_id])
    assert ret.created_by == associate and ret.customer == order.customer


def test_desk_list_queries(client, associate, django_assert_max_num_queries):
    client.force_login(associate)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("returns:desk")).status_code == 200


def test_desk_finds_returns_by_the_shoppers_loyalty_card(client, ret, order, associate):
    from loyalty.models import LoyaltyAccount

    card = LoyaltyAccount.objects.get(user=order.customer).card_number
    client.force_login(associate)
    found = client.get(reverse("returns:desk"), {"q": card})
    assert found.url == reverse("returns:desk_return", args=[ret.public_id])


def test_the_return_desk_links_to_the_customer_page(client, ret, associate):
    client.force_login(associate)
    page = client.get(reverse("returns:desk_return", args=[ret.public_id])).content.decode()
    url = reverse("customers:staff_customer", args=[ret.customer_id])
    assert f'href="{url}?from=returns"' in page
