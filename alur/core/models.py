"""The one table of core: the counts of the rate limits (alur/core/ratelimit.py)."""

from __future__ import annotations

from django.db import models


class RateCount(models.Model):
    """Requests counted under one name (limit, client) in the window ending at `window_end`."""

    name = models.CharField(max_length=200, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    window_end = models.BigIntegerField(db_index=True)  # seconds since the epoch

    def __str__(self) -> str:
        return f"{self.name}: {self.hits}"
