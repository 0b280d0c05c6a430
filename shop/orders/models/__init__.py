from .cart import Cart, CartLine
from .orders import (
    CollectedBy,
    HandoverAttempt,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    OrderWithdrawal,
    RescueChoice,
    ShortPickRescue,
)

__all__ = [
    "CollectedBy",
    "HandoverAttempt",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderStatus",
    "OrderWithdrawal",
    "RescueChoice",
    "ShortPickRescue",
]
__all__ += ["Cart", "CartLine"]
