from .cart import Cart, CartLine
from .catalogue import Category, Product, ProductImage, Variant
from .orders import HandoverAttempt, Order, OrderEvent, OrderLine, OrderStatus

__all__ = ["Category", "Product", "ProductImage", "Variant"]
__all__ += ["HandoverAttempt", "Order", "OrderEvent", "OrderLine", "OrderStatus"]
__all__ += ["Cart", "CartLine"]
