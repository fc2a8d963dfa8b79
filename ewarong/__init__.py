"""Merchants, HET price lists, KPM wallets and purchases (issue 13)."""
