"""Till purchases for the recommendations (`shop.recommendations.baskets`): the lines of every
receipt that sold the article (a returned item's line is no purchase). A receipt with a card is
the card holder's; one without is a basket of its own."""

from collections.abc import Iterator

from shop.recommendations.baskets import PurchaseRow

from ..models import TillReceiptLine


def till_purchases() -> Iterator[PurchaseRow]:
    rows = (
        TillReceiptLine.objects.filter(quantity__gt=0)
        .order_by()
        .values_list("receipt__account__user_id", "receipt_id", "variant__product_id")
    )
    for customer_id, receipt_id, product_id in rows.iterator(chunk_size=5000):
        yield customer_id, f"till:{receipt_id}", product_id
