"""Reading an office's working time: its calendar for deadlines, and rows for display.

These selectors do not check who asks: the calendar is needed by the system itself (deadlines,
reminders). Views show it to people with `Capability.VIEW_OFFICE` in the office.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import NamedTuple

from django.db.models import QuerySet

from alur.org.models import Office
from alur.worktime.calendar import (
    DEFAULT_WEEKLY_HOURS,
    DayHours,
    WeekHours,
    WorkCalendar,
    national_holidays_between,
)
from alur.worktime.models import Closure, Weekday, WeeklyHours


def _day_hours(row: WeeklyHours) -> DayHours:
    return DayHours(row.opens, row.closes, row.break_starts, row.break_ends)


def week_hours_for(office: Office) -> tuple[WeekHours, bool]:
    """The office's hours per weekday (Monday first) and whether they are the default ones.

    Uses `office.weekly_hours` as prefetched when it is.
    """
    rows = list(office.weekly_hours.all())
    if not rows:
        return DEFAULT_WEEKLY_HOURS, True
    by_day: list[DayHours | None] = [None] * 7
    for row in rows:
        by_day[row.weekday] = _day_hours(row)
    return tuple(by_day), False


_CALENDARS: dict[int, tuple[int, WorkCalendar]] = {}


def calendar_for(office: Office, since: datetime | None = None) -> WorkCalendar:
    """The office's working calendar: its weekly hours (or the default), holidays, closures.

    With `since`, closures that ended by then are left out (they cannot affect later times).
    Two queries; without `since`, none while the office's `calendar_version` is unchanged
    (each process keeps the calendars it built).
    """
    if since is None:
        cached = _CALENDARS.get(office.pk)
        if cached is not None and cached[0] == office.calendar_version:
            return cached[1]
        calendar = _build(office, None)
        _CALENDARS[office.pk] = (office.calendar_version, calendar)
        return calendar
    return _build(office, since)


def _build(office: Office, since: datetime | None) -> WorkCalendar:
    hours, _ = week_hours_for(office)
    closures = Closure.objects.filter(office=office)
    if since is not None:
        closures = closures.filter(ends_at__gt=since)
    return WorkCalendar(
        timezone=office.zone,
        weekly_hours=hours,
        closures=tuple(closures.values_list("starts_at", "ends_at")),
    )


@dataclass(frozen=True, slots=True)
class HoursRow:
    """One weekday of an office's hours, for display; times are None on a closed day."""

    weekday: int
    label: str  # the day's name: "Senin"
    opens: time | None
    closes: time | None
    break_starts: time | None
    break_ends: time | None
    is_default: bool

    @property
    def is_closed(self) -> bool:
        return self.opens is None

    @property
    def hours_label(self) -> str:
        """e.g. "07.30–16.00, istirahat 12.00–13.00", or "Tutup"."""
        if self.opens is None or self.closes is None:
            return "Tutup"
        text = f"{self.opens:%H.%M}–{self.closes:%H.%M}"
        if self.break_starts is not None and self.break_ends is not None:
            text += f", istirahat {self.break_starts:%H.%M}–{self.break_ends:%H.%M}"
        return text


def hours_for(office: Office) -> list[HoursRow]:
    """Seven rows, Monday first; `is_default` when the office has not set its own hours."""
    week, is_default = week_hours_for(office)
    rows = []
    for day in Weekday:
        hours = week[day.value]
        rows.append(
            HoursRow(
                weekday=day.value,
                label=str(day.label),
                opens=hours.opens if hours else None,
                closes=hours.closes if hours else None,
                break_starts=hours.break_starts if hours else None,
                break_ends=hours.break_ends if hours else None,
                is_default=is_default,
            )
        )
    return rows


def closures_for(office: Office, since: datetime | None = None) -> QuerySet[Closure]:
    """The office's closures in time order; with `since`, only those not yet over by then."""
    closures = Closure.objects.filter(office=office).select_related("created_by")
    if since is not None:
        closures = closures.filter(ends_at__gt=since)
    return closures.order_by("starts_at")


class Holiday(NamedTuple):
    """A national holiday or cuti bersama; unpacks as `(day, name)`."""

    day: date
    name: str

    @property
    def is_cuti_bersama(self) -> bool:
        return self.name.startswith("Cuti Bersama")


def holidays_between(start_date: date, end_date: date) -> list[Holiday]:
    """National holidays and cuti bersama from `start_date` to `end_date` inclusive."""
    return [Holiday(day, name) for day, name in national_holidays_between(start_date, end_date)]
