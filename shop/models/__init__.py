from .catalogue import Category, Product, ProductImage, Variant

__all__ = ["Category", "Product", "ProductImage", "Variant"]
