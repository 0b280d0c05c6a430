"""Receipts of a store's till with their lines: stock, points and the card's history in one call."""
