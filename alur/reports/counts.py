"""The office's own service counts, which prefill its weekly report when it uses the product.

The document services register a provider: a function of the kab/kota office and the period's
first and last day (local dates, both included) that returns {service key: count} for the keys
it knows. The reports app never reads their tables itself.

    from alur.reports.counts import register_count_provider

    register_count_provider(kk_counts)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from alur.org.models import Office

CountProvider = Callable[[Office, date, date], dict[str, int]]

_PROVIDERS: list[CountProvider] = []


def register_count_provider(provider: CountProvider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def unregister_count_provider(provider: CountProvider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


def own_counts(office: Office, starts_on: date, ends_on: date, keys: list[str]) -> dict[str, int]:
    """What the providers know of `keys` for the office and days; later providers add up."""
    found: dict[str, int] = {}
    for provider in _PROVIDERS:
        for key, value in provider(office, starts_on, ends_on).items():
            if key in keys and isinstance(value, int) and value >= 0:
                found[key] = found.get(key, 0) + value
    return found
