"""Numbers as Indonesian writes them, the same in pages, PDFs, charts and messages.

Written by Python rather than by the template engine's localisation, so a text built for a
WhatsApp message or a letter reads exactly as the page that shows it."""

from __future__ import annotations


def number(value: float) -> str:
    """A whole number with a dot between the thousands: 12500 → "12.500", -1234 → "-1.234".
    A fraction is rounded to the nearest whole number first."""
    return f"{round(value):,}".replace(",", ".")
