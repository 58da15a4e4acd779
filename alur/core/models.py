"""Core's tables: the counts of the rate limits (alur/core/ratelimit.py) and the gapless
counters (alur/core/counters.py)."""

from __future__ import annotations

from django.db import models


class RateCount(models.Model):
    """Requests counted under one name (limit, client) in the window ending at `window_end`."""

    name = models.CharField(max_length=200, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    window_end = models.BigIntegerField(db_index=True)  # seconds since the epoch

    def __str__(self) -> str:
        return f"{self.name}: {self.hits}"


class Counter(models.Model):
    """The last value taken in one gapless sequence, named by its scope (e.g.
    "complaints.register:12:2026"); the row that is locked to take the next value."""

    scope = models.CharField("lingkup", max_length=120, unique=True)
    last = models.PositiveBigIntegerField("nilai terakhir", default=0)

    class Meta:
        verbose_name = "penghitung nomor"
        verbose_name_plural = "penghitung nomor"

    def __str__(self) -> str:
        return f"{self.scope}: {self.last}"
