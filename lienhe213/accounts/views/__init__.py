"""The accounts' pages: one module per part; ``urls.py`` takes the views from here."""

from lienhe213.accounts.views import accounts, home, two_factor

__all__ = ["accounts", "home", "two_factor"]
