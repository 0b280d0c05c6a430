from django.urls import path

from shop.orders.views import cart, checkout, desk, offers, orders, rescue, withdrawal

app_name = "pickup"

urlpatterns: list = [
    # cart-checkout: cart, checkout and the shopper's orders
    path("cart/", cart.cart_page, name="cart"),
    path("cart/add/", cart.cart_add_view, name="cart_add"),
    path("cart/count/", cart.cart_count, name="cart_count"),
    path("cart/store/", cart.cart_store_choose, name="cart_store"),
    path("cart/lines/<int:variant_id>/", cart.cart_line_update, name="cart_line_update"),
    path("cart/lines/<int:variant_id>/remove/", cart.cart_line_remove, name="cart_line_remove"),
    path("cart/coupon/", offers.cart_coupon, name="cart_coupon"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<uuid:public_id>/", orders.order_detail, name="order_detail"),
    path("orders/<uuid:public_id>/cancel/", orders.order_cancel_view, name="order_cancel"),
    path("orders/<uuid:public_id>/collector/", rescue.order_collector_view, name="order_collector"),
    path("orders/rescue/<str:token>/", rescue.order_rescue, name="order_rescue"),
    path("orders/collect/<str:token>/", rescue.order_collect_link, name="order_collect_link"),
    # the withdrawal button (§ 356a BGB): no login needed
    path("withdraw/", withdrawal.withdraw, name="withdraw"),
    path("withdraw/confirm/", withdrawal.withdraw_confirm, name="withdraw_confirm"),
    path("withdraw/done/", withdrawal.withdraw_done, name="withdraw_done"),
    # orders: the associate's desk page
    path("desk/", desk.desk, name="desk"),
    path("desk/queue/", desk.desk_queue_partial, name="desk_queue"),
    path("desk/collect/", desk.desk_collect, name="desk_collect"),
    path("desk/orders/<uuid:public_id>/", desk.desk_order, name="desk_order"),
    path("desk/orders/<uuid:public_id>/slip/", desk.desk_slip, name="desk_slip"),
    path(
        "desk/orders/<uuid:public_id>/lines/<int:line_id>/short/",
        desk.desk_mark_short,
        name="desk_mark_short",
    ),
    path("desk/orders/<uuid:public_id>/<slug:step>/", desk.desk_step, name="desk_step"),
]
