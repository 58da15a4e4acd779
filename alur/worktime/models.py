"""An office's working time: weekly hours and closures. National holidays come from `holidays`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Senin"
    TUESDAY = 1, "Selasa"
    WEDNESDAY = 2, "Rabu"
    THURSDAY = 3, "Kamis"
    FRIDAY = 4, "Jumat"
    SATURDAY = 5, "Sabtu"
    SUNDAY = 6, "Minggu"


class WeeklyHours(models.Model):
    """Opening hours of one weekday; a weekday without a row is closed.

    An office with no rows at all works the default hours of Perpres 21/2023.
    """

    office = models.ForeignKey("org.Office", on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField("hari", choices=Weekday.choices)
    opens = models.TimeField("buka")
    closes = models.TimeField("tutup")
    break_starts = models.TimeField("istirahat mulai", null=True, blank=True)
    break_ends = models.TimeField("istirahat selesai", null=True, blank=True)

    class Meta:
        ordering = ["office", "weekday"]
        verbose_name = "jam kerja"
        verbose_name_plural = "jam kerja"
        constraints = [
            models.UniqueConstraint(fields=["office", "weekday"], name="weeklyhours_unique_day"),
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="weeklyhours_order"),
            models.CheckConstraint(
                condition=(Q(break_starts__isnull=True) & Q(break_ends__isnull=True))
                | (
                    Q(break_starts__gte=F("opens"))
                    & Q(break_ends__gt=F("break_starts"))
                    & Q(break_ends__lte=F("closes"))
                ),
                name="weeklyhours_break_inside",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """A time the office is closed besides national holidays (local leave, disaster, outage)."""

    office = models.ForeignKey("org.Office", on_delete=models.CASCADE, related_name="closures")
    starts_at = models.DateTimeField("mulai")
    ends_at = models.DateTimeField("selesai")
    reason = models.CharField("alasan", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("dicatat", auto_now_add=True)

    class Meta:
        ordering = ["office", "starts_at"]
        verbose_name = "penutupan kantor"
        verbose_name_plural = "penutupan kantor"
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="closure_order")
        ]
        indexes = [models.Index(fields=["office", "starts_at"], name="closure_office_start")]

    def __str__(self) -> str:
        return f"{self.reason} ({self.starts_at:%Y-%m-%d %H:%M} – {self.ends_at:%Y-%m-%d %H:%M})"
