"""The allocation rule, as shown on the allocation page. Pure functions, no database.

need  = backlog (recorded, not yet printed) + use over the target cover − stock, never below 0
share = the received total split in proportion to need by the largest-remainder method
        (Hamilton): everyone gets the whole part of their quota, the blanks left over go one each
        to the largest fractional parts (ties: the office code), so the shares sum exactly to the
        total. When no office needs anything, the total is split equally the same way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

DAYS_PER_MONTH = 30
USE_WINDOW_DAYS = 90  # monthly use = what was printed in the last 90 days, divided by 3
DEFAULT_COVER_DAYS = 30

RULE_TEXT = (
    "Kebutuhan = belum tercetak + pemakaian per bulan × (target hari ÷ 30) − stok "
    "(paling kecil 0). Porsi = jumlah yang diterima dibagi sebanding kebutuhan dengan metode "
    "sisa terbesar: setiap kantor mendapat bagian bulatnya, sisa blanko diberikan satu per satu "
    "kepada pecahan terbesar (sama besar: kode wilayah terkecil), sehingga jumlah porsi tepat "
    "sama dengan jumlah yang diterima."
)


def need(*, backlog: int, stock: int, monthly_use: int, cover_days: int) -> int:
    cover = math.ceil(monthly_use * cover_days / DAYS_PER_MONTH)
    return max(0, backlog + cover - stock)


def largest_remainder(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split `total` among the keys in proportion to their (non-negative) weights, exactly."""
    if total < 0:
        raise ValueError("total must not be negative")
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must not be negative")
    if not weights:
        if total:
            raise ValueError("nothing to split among")
        return {}
    keys = sorted(weights)
    if sum(weights.values()) == 0:
        weights = dict.fromkeys(keys, 1)
    whole = sum(weights.values())
    shares = {k: total * weights[k] // whole for k in keys}
    left = total - sum(shares.values())
    # The fractional part of each quota is (total * w mod whole) / whole: compare numerators.
    by_remainder = sorted(keys, key=lambda k: (-(total * weights[k] % whole), k))
    for key in by_remainder[:left]:
        shares[key] += 1
    return shares


def monthly_use(issued_in_window: int) -> int:
    return math.ceil(issued_in_window * DAYS_PER_MONTH / USE_WINDOW_DAYS)


def days_of_cover(stock: int, monthly: int) -> int | None:
    """Days the stock lasts at the monthly use; None when nothing is used."""
    if monthly <= 0:
        return None
    return stock * DAYS_PER_MONTH // monthly
