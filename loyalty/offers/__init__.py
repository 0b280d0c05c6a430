"""Coupons and promotions: offers by tier, store, channel and period (docs/offers.md)."""
