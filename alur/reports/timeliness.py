"""Periods, deadlines and reporting rates: pure functions of dates, zones and times.

A report is *on time* when it was sent no later than the deadline in the reporter's own time
zone, to the minute: with a deadline of Friday 14.00, a report sent at 14.00:59 local time is on
time and one sent at 14.01 is late. DHIS2 counts the same rates by the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from alur.reports.choices import Frequency, Timeliness
from alur.tte.words import month_name

MONTHS = [month_name(m) for m in range(1, 13)]
WEEKDAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def period_for(frequency: str, day: date, *, distribute_weekday: int = 3) -> tuple[date, date]:
    """The period a case started on `day` reports on: the seven days ending on the latest
    distribution weekday (S0: Thursday) on or before `day`, or the previous calendar month."""
    if frequency == Frequency.WEEKLY:
        ends = day - timedelta(days=(day.weekday() - distribute_weekday) % 7)
        return ends - timedelta(days=6), ends
    first = day.replace(day=1)
    ends = first - timedelta(days=1)
    return ends.replace(day=1), ends


def _month_before(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def opening_moment(
    frequency: str,
    starts_on: date,
    ends_on: date,
    *,
    distribute_day: int,
    distribute_time: time,
    zone: str,
) -> datetime:
    """When a period opens by itself: a week on its last day (the distribution weekday) at
    `distribute_time`, a month on day `distribute_day` of the month after it; province time."""
    if frequency == Frequency.WEEKLY:
        day = ends_on
    else:
        day = (ends_on + timedelta(days=1)).replace(day=min(max(distribute_day, 1), 28))
    return datetime.combine(day, distribute_time, tzinfo=ZoneInfo(zone))


def due_period(
    frequency: str,
    moment: datetime,
    *,
    distribute_weekday: int,
    distribute_day: int,
    distribute_time: time,
    zone: str,
) -> tuple[date, date, datetime]:
    """The latest period whose opening moment is at or before `moment` (aware), with that
    moment: on Thursday 08.00 WIB the week ending that Thursday, at 07.59 the week before; on
    the 1st at 08.00 the month before, at 07.59 the month before that."""
    local = moment.astimezone(ZoneInfo(zone))
    day = local.date()
    if frequency == Frequency.WEEKLY:
        ends = day - timedelta(days=(day.weekday() - distribute_weekday) % 7)
        starts = ends - timedelta(days=6)
        at = opening_moment(
            frequency, starts, ends, distribute_day=1, distribute_time=distribute_time, zone=zone
        )
        if at > local:
            starts, ends = starts - timedelta(days=7), ends - timedelta(days=7)
            at -= timedelta(days=7)
        return starts, ends, at
    starts = _month_before(day.replace(day=1))
    ends = day.replace(day=1) - timedelta(days=1)
    options: dict[str, Any] = {
        "distribute_day": distribute_day,
        "distribute_time": distribute_time,
        "zone": zone,
    }
    at = opening_moment(frequency, starts, ends, **options)
    if at > local:
        starts, ends = _month_before(starts), starts - timedelta(days=1)
        at = opening_moment(frequency, starts, ends, **options)
    return starts, ends, at


def next_period(frequency: str, starts_on: date, ends_on: date) -> tuple[date, date]:
    """The period after one."""
    if frequency == Frequency.WEEKLY:
        return starts_on + timedelta(days=7), ends_on + timedelta(days=7)
    following = ends_on + timedelta(days=1)
    return following, period_for(frequency, following + timedelta(days=32))[1]


def previous_period(frequency: str, starts_on: date, ends_on: date) -> tuple[date, date]:
    """The period before one."""
    if frequency == Frequency.WEEKLY:
        return starts_on - timedelta(days=7), ends_on - timedelta(days=7)
    return period_for(frequency, starts_on)


def period_label(frequency: str, starts_on: date, ends_on: date) -> str:
    if frequency == Frequency.MONTHLY:
        return f"{MONTHS[starts_on.month - 1]} {starts_on.year}"
    left = f"{starts_on.day} {MONTHS[starts_on.month - 1]}"
    if starts_on.year != ends_on.year:
        left += f" {starts_on.year}"
    return f"{left} s.d. {ends_on.day} {MONTHS[ends_on.month - 1]} {ends_on.year}"


def deadline_day(
    frequency: str, ends_on: date, *, weekday: int = 4, day_of_month: int = 10
) -> date:
    """The date of the deadline: the first `weekday` after the week, or `day_of_month` of the
    month after the period (the month's last day when shorter)."""
    if frequency == Frequency.WEEKLY:
        return ends_on + timedelta(days=(weekday - ends_on.weekday() - 1) % 7 + 1)
    following = ends_on + timedelta(days=1)
    for day in range(day_of_month, 0, -1):
        try:
            return following.replace(day=day)
        except ValueError:
            continue
    return following  # pragma: no cover - day 1 always exists


def local_deadline(day: date, at: time, zone: str) -> datetime:
    """The deadline as an aware datetime: `day` at `at` on the reporter's wall clock."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone))


def timeliness_of(submitted_at: datetime, deadline_at: datetime) -> str:
    minute = submitted_at.replace(second=0, microsecond=0)
    return Timeliness.ON_TIME if minute <= deadline_at else Timeliness.LATE


@dataclass(frozen=True)
class Rates:
    expected: int
    submitted: int
    on_time: int
    late: int

    @property
    def missing(self) -> int:
        return self.expected - self.submitted

    @property
    def reporting_rate(self) -> float:
        """Reports received ÷ reports expected, in percent (DHIS2's reporting rate)."""
        return round(100 * self.submitted / self.expected, 1) if self.expected else 0.0

    @property
    def on_time_rate(self) -> float:
        """Reports received on time ÷ reports expected, in percent."""
        return round(100 * self.on_time / self.expected, 1) if self.expected else 0.0


def rates(expected: int, statuses: list[str]) -> Rates:
    on_time = sum(1 for s in statuses if s == Timeliness.ON_TIME)
    late = sum(1 for s in statuses if s == Timeliness.LATE)
    return Rates(expected=expected, submitted=on_time + late, on_time=on_time, late=late)
