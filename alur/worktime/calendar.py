"""Working-time arithmetic over an office's calendar. Pure Python: no Django, no database.

A `WorkCalendar` says when an office works: weekly hours per weekday (opens–closes minus an
optional break, in the office's local time), no work on national holidays and cuti bersama,
and no work during closures (aware-datetime intervals that may span days or cut a day short).

All instants are time-zone aware; naive datetimes are refused with `ValueError`. Arithmetic is
done in UTC so that it stays right in zones with daylight saving time too, and results are
returned in the calendar's time zone. The functions walk whole intervals, never minutes.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from holidays import HolidayBase

__all__ = [
    "DEFAULT_WEEKLY_HOURS",
    "MAX_IDLE_DAYS",
    "CalendarError",
    "DayHours",
    "WeekHours",
    "WorkCalendar",
    "add_working_minutes",
    "holiday_name",
    "is_national_holiday",
    "is_working_time",
    "national_holidays_between",
    "next_working_instant",
    "working_intervals_on",
    "working_minutes_between",
    "working_time_between",
]

Interval = tuple[datetime, datetime]

# Searching further than this many consecutive days without any working time is an error: the
# calendar has no working time left (every weekday closed, or a closure without end in sight).
MAX_IDLE_DAYS = 3 * 366

_MINUTE = timedelta(minutes=1)
_DAY = timedelta(days=1)


class CalendarError(Exception):
    """The calendar cannot answer: no working time within `MAX_IDLE_DAYS` days."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class DayHours:
    """The hours of one weekday in local time: [opens, break_starts) and [break_ends, closes)."""

    opens: time
    closes: time
    break_starts: time | None = None
    break_ends: time | None = None

    def __post_init__(self) -> None:
        for value in (self.opens, self.closes, self.break_starts, self.break_ends):
            if value is not None and value.tzinfo is not None:
                raise ValueError("Jam kerja ditulis dalam jam lokal kantor, tanpa zona waktu.")
        if not self.opens < self.closes:
            raise ValueError(
                f"Jam tutup ({self.closes:%H:%M}) harus setelah jam buka ({self.opens:%H:%M})."
            )
        if (self.break_starts is None) != (self.break_ends is None):
            raise ValueError("Jam istirahat harus diisi mulai dan selesainya, atau dikosongkan.")
        if (
            self.break_starts is not None
            and self.break_ends is not None
            and not self.opens <= self.break_starts < self.break_ends <= self.closes
        ):
            raise ValueError(
                f"Istirahat {self.break_starts:%H:%M}–{self.break_ends:%H:%M} harus berada "
                f"di dalam jam kerja {self.opens:%H:%M}–{self.closes:%H:%M}."
            )
        if self.break_starts == self.opens and self.break_ends == self.closes:
            raise ValueError("Istirahat tidak boleh meliputi seluruh jam kerja.")

    @property
    def intervals(self) -> tuple[tuple[time, time], ...]:
        """The working intervals of the day, without empty ones."""
        if self.break_starts is None or self.break_ends is None:
            return ((self.opens, self.closes),)
        pieces = ((self.opens, self.break_starts), (self.break_ends, self.closes))
        return tuple((a, b) for a, b in pieces if a < b)

    @property
    def minutes(self) -> int:
        """Working minutes in the day (for display: 450 for 07:30–16:00 with a one-hour break)."""
        total = timedelta()
        for a, b in self.intervals:
            total += datetime.combine(date.min, b) - datetime.combine(date.min, a)
        return total // _MINUTE


WeekHours = tuple[DayHours | None, ...]

# Perpres 21/2023: Monday–Friday from 07:30, 37.5 hours a week, a longer break on Friday.
DEFAULT_WEEKLY_HOURS: WeekHours = (
    DayHours(time(7, 30), time(16, 0), time(12, 0), time(13, 0)),  # Senin
    DayHours(time(7, 30), time(16, 0), time(12, 0), time(13, 0)),  # Selasa
    DayHours(time(7, 30), time(16, 0), time(12, 0), time(13, 0)),  # Rabu
    DayHours(time(7, 30), time(16, 0), time(12, 0), time(13, 0)),  # Kamis
    DayHours(time(7, 30), time(16, 30), time(11, 30), time(13, 0)),  # Jumat
    None,  # Sabtu
    None,  # Minggu
)


# --- National holidays and cuti bersama -------------------------------------------------------


class _NationalHolidays:
    """One lazily expanding `holidays` instance per process, safe to share between threads.

    `holidays` fills in a year the first time a date of that year is looked up, and marks the year
    as present before filling it; the lock makes sure no thread reads a half-filled year.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ready: frozenset[int] = frozenset()
        self._instance: HolidayBase | None = None

    def _for_year(self, year: int) -> HolidayBase:
        instance = self._instance
        if instance is not None and year in self._ready:
            return instance
        with self._lock:
            if self._instance is None:
                self._instance = holidays.country_holidays(
                    "ID", years=(), language="id", categories=("public", "government")
                )
            if year not in self._ready:
                _ = date(year, 1, 1) in self._instance  # fills the year
                self._ready = self._ready | {year}
            return self._instance

    def contains(self, day: date) -> bool:
        return day in self._for_year(day.year)

    def name(self, day: date) -> str | None:
        found = self._for_year(day.year).get(day)
        return str(found) if found is not None else None


_NATIONAL = _NationalHolidays()


def is_national_holiday(day: date) -> bool:
    """Whether `day` is a national holiday or cuti bersama in Indonesia."""
    return _NATIONAL.contains(day)


def holiday_name(day: date) -> str | None:
    """The Indonesian name of the holiday on `day` (names joined by "; "), or None."""
    return _NATIONAL.name(day)


def national_holidays_between(start: date, end: date) -> list[tuple[date, str]]:
    """National holidays and cuti bersama from `start` to `end` inclusive, in date order."""
    found: list[tuple[date, str]] = []
    for year in range(start.year, end.year + 1):
        first = max(start, date(year, 1, 1))
        last = min(end, date(year, 12, 31))
        day = first
        while day <= last:
            name = _NATIONAL.name(day)
            if name is not None:
                found.append((day, name))
            day += _DAY
    return found


# --- The calendar ------------------------------------------------------------------------------


def _require_aware(value: datetime, what: str) -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"{what} harus berupa datetime, bukan {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} harus menyertakan zona waktu (datetime naif ditolak)")


def _merge(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Sorted, non-empty, non-overlapping and non-touching intervals covering the same time."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """When one office works.

    `weekly_hours` has seven entries, Monday first; `None` is a closed day. `closures` may be
    given in any order and may overlap: they are stored in UTC, sorted and merged.
    """

    timezone: ZoneInfo
    weekly_hours: WeekHours = DEFAULT_WEEKLY_HOURS
    is_holiday: Callable[[date], bool] = is_national_holiday
    closures: tuple[Interval, ...] = ()
    _closure_ends: tuple[datetime, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.timezone, ZoneInfo):
            raise TypeError("timezone harus berupa zoneinfo.ZoneInfo")
        if len(self.weekly_hours) != 7:
            raise ValueError("jam kerja mingguan harus berisi tujuh hari, mulai Senin")
        for start, end in self.closures:
            _require_aware(start, "awal penutupan")
            _require_aware(end, "akhir penutupan")
            if not start < end:
                raise ValueError("akhir penutupan harus setelah awalnya")
        closures = _merge((s.astimezone(UTC), e.astimezone(UTC)) for s, e in self.closures)
        object.__setattr__(self, "closures", closures)
        object.__setattr__(self, "_closure_ends", tuple(end for _, end in closures))

    def _cut_closures(self, start: datetime, end: datetime) -> Iterator[Interval]:
        """[start, end) minus the closures; all in UTC."""
        index = bisect_right(self._closure_ends, start)
        closures = self.closures
        while index < len(closures) and start < end:
            c_start, c_end = closures[index]
            if c_start >= end:
                break
            if c_start > start:
                yield (start, c_start)
            start = c_end  # later than `start`: bisect skipped the closures ending by then
            index += 1
        if start < end:
            yield (start, end)

    def _day(self, day: date) -> tuple[Interval, ...]:
        """The working intervals of local date `day`, in UTC."""
        hours = self.weekly_hours[day.weekday()]
        if hours is None or self.is_holiday(day):
            return ()
        tz = self.timezone
        local = _merge(
            (
                datetime.combine(day, a, tzinfo=tz).astimezone(UTC),
                datetime.combine(day, b, tzinfo=tz).astimezone(UTC),
            )
            for a, b in hours.intervals
        )
        if not self.closures:
            return local
        return tuple(piece for s, e in local for piece in self._cut_closures(s, e))


def working_intervals_on(cal: WorkCalendar, day: date) -> tuple[Interval, ...]:
    """The working intervals of the office's local date `day`, in the office's time zone."""
    return tuple((s.astimezone(cal.timezone), e.astimezone(cal.timezone)) for s, e in cal._day(day))


def _walk(
    cal: WorkCalendar, instant: datetime, until: datetime | None = None
) -> Iterator[Interval]:
    """Working intervals (UTC) from `instant` on, the first one clipped to start at `instant`.

    With `until`, stops at the first interval that starts at or after it. Without, raises
    `CalendarError` after `MAX_IDLE_DAYS` consecutive days without working time.
    """
    moment = instant.astimezone(UTC)
    # The day before too: in zones with daylight saving time a day's hours can straddle midnight.
    day = moment.astimezone(cal.timezone).date() - _DAY
    last_work = day
    while True:
        for start, end in cal._day(day):
            if until is not None and start >= until:
                return
            if end <= moment:
                continue
            yield (max(start, moment), end)
            last_work = day
        if until is not None and datetime.combine(day, time.min, tzinfo=cal.timezone) > until:
            return
        if until is None and (day - last_work).days > MAX_IDLE_DAYS:
            local = instant.astimezone(cal.timezone)
            raise CalendarError(
                f"Tidak ada jam kerja dalam {MAX_IDLE_DAYS} hari setelah "
                f"{local:%d-%m-%Y %H:%M} {local:%Z}. Periksa jam kerja mingguan dan penutupan "
                "kantor."
            )
        day += _DAY


def add_working_minutes(cal: WorkCalendar, start: datetime, minutes: int) -> datetime:
    """The instant at which `minutes` of working time from `start` have passed.

    `add(t, 0)` is `t` itself. For `minutes > 0` the result is the end of the last working
    minute, which may be the end of an interval (12:00 before the break, 16:00 at closing).
    """
    _require_aware(start, "waktu mulai")
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise TypeError("jumlah menit harus bilangan bulat")
    if minutes < 0:
        raise ValueError("jumlah menit tidak boleh negatif")
    if minutes == 0:
        return start
    remaining = minutes * _MINUTE
    for begin, end in _walk(cal, start):
        available = end - begin
        if remaining <= available:
            return (begin + remaining).astimezone(cal.timezone)
        remaining -= available
    raise AssertionError("unreachable: _walk without `until` never ends")  # pragma: no cover


def working_time_between(cal: WorkCalendar, start: datetime, end: datetime) -> timedelta:
    """Working time in [start, end); zero if `end <= start`."""
    _require_aware(start, "waktu mulai")
    _require_aware(end, "waktu selesai")
    if end <= start:
        return timedelta()
    until = end.astimezone(UTC)
    total = timedelta()
    for begin, finish in _walk(cal, start, until=until):
        total += min(finish, until) - begin
    return total


def working_minutes_between(cal: WorkCalendar, start: datetime, end: datetime) -> int:
    """Whole minutes of working time in [start, end); 0 if `end <= start`."""
    return working_time_between(cal, start, end) // _MINUTE


def is_working_time(cal: WorkCalendar, instant: datetime) -> bool:
    """Whether the office works at `instant` (intervals are half-open: 12:00 is the break)."""
    _require_aware(instant, "waktu")
    moment = instant.astimezone(UTC)
    day = moment.astimezone(cal.timezone).date()
    for candidate in (day - _DAY, day, day + _DAY):
        for start, end in cal._day(candidate):
            if start <= moment < end:
                return True
    return False


def next_working_instant(cal: WorkCalendar, instant: datetime) -> datetime:
    """`instant` if it is working time, else the start of the next working interval."""
    _require_aware(instant, "waktu")
    start, _ = next(_walk(cal, instant))
    return instant if start == instant else start.astimezone(cal.timezone)
