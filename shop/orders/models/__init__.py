from .cart import Cart, CartLine
from .orders import (
    HandoverAttempt,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    OrderWithdrawal,
)

__all__ = ["HandoverAttempt", "Order", "OrderEvent", "OrderLine", "OrderStatus", "OrderWithdrawal"]
__all__ += ["Cart", "CartLine"]
