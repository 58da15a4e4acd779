"""The working-time calendar on real dates: Perpres 21/2023 hours, real holidays, closures."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from alur.worktime import calendar as calendar_module
from alur.worktime.calendar import (
    DEFAULT_WEEKLY_HOURS,
    CalendarError,
    DayHours,
    WorkCalendar,
    add_working_minutes,
    holiday_name,
    is_national_holiday,
    is_working_time,
    national_holidays_between,
    next_working_instant,
    working_intervals_on,
    working_minutes_between,
    working_time_between,
)

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")


def at(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)


@pytest.fixture
def wib() -> WorkCalendar:
    return WorkCalendar(timezone=WIB)


def test_default_hours_are_perpres_21_2023() -> None:
    monday, friday, saturday = DEFAULT_WEEKLY_HOURS[0], DEFAULT_WEEKLY_HOURS[4], 5
    assert monday == DayHours(time(7, 30), time(16, 0), time(12, 0), time(13, 0))
    assert friday == DayHours(time(7, 30), time(16, 30), time(11, 30), time(13, 0))
    assert DEFAULT_WEEKLY_HOURS[saturday] is None and DEFAULT_WEEKLY_HOURS[6] is None
    # 37.5 hours a week.
    assert sum(day.minutes for day in DEFAULT_WEEKLY_HOURS if day is not None) == 37 * 60 + 30


def test_the_dates_used_below_are_what_we_think() -> None:
    assert not is_national_holiday(date(2026, 2, 6))  # Friday
    assert not is_national_holiday(date(2026, 2, 9))  # Monday
    assert holiday_name(date(2026, 3, 19)) == "Hari Suci Nyepi"
    assert holiday_name(date(2026, 3, 23)) == "Cuti Bersama Hari Raya Idul Fitri"
    assert holiday_name(date(2026, 8, 17)) == "Hari Kemerdekaan Republik Indonesia"
    assert holiday_name(date(2026, 8, 18)) is None
    assert holiday_name(date(2026, 3, 25)) is None


def test_friday_afternoon_request(wib: WorkCalendar) -> None:
    friday_3pm = at(WIB, 2026, 2, 6, 15, 0)
    assert add_working_minutes(wib, friday_3pm, 60) == at(WIB, 2026, 2, 6, 16, 0)
    # Friday closes at 16:30: 90 minutes on Friday, the other 30 on Monday from 07:30.
    assert add_working_minutes(wib, friday_3pm, 90) == at(WIB, 2026, 2, 6, 16, 30)
    assert add_working_minutes(wib, friday_3pm, 91) == at(WIB, 2026, 2, 9, 7, 31)
    assert add_working_minutes(wib, friday_3pm, 120) == at(WIB, 2026, 2, 9, 8, 0)
    assert add_working_minutes(wib, friday_3pm, 150) == at(WIB, 2026, 2, 9, 8, 30)


def test_result_is_in_the_offices_time_zone(wib: WorkCalendar) -> None:
    result = add_working_minutes(wib, at(UTC, 2026, 2, 6, 8, 0), 60)  # Friday 15:00 WIB
    assert result.tzinfo == WIB
    assert (result.hour, result.minute) == (16, 0)


def test_adding_zero_is_the_instant_itself(wib: WorkCalendar) -> None:
    saturday = at(WIB, 2026, 2, 7, 10, 0)
    assert add_working_minutes(wib, saturday, 0) is saturday


def test_the_break_is_not_working_time(wib: WorkCalendar) -> None:
    monday = (2026, 2, 9)
    assert add_working_minutes(wib, at(WIB, *monday, 11, 30), 30) == at(WIB, *monday, 12, 0)
    assert add_working_minutes(wib, at(WIB, *monday, 11, 30), 31) == at(WIB, *monday, 13, 1)
    friday = (2026, 2, 13)
    assert add_working_minutes(wib, at(WIB, *friday, 11, 0), 30) == at(WIB, *friday, 11, 30)
    assert add_working_minutes(wib, at(WIB, *friday, 11, 0), 31) == at(WIB, *friday, 13, 1)
    assert working_minutes_between(wib, at(WIB, *monday, 7, 0), at(WIB, *monday, 18, 0)) == 450
    assert working_minutes_between(wib, at(WIB, *friday, 7, 0), at(WIB, *friday, 18, 0)) == 450


@pytest.mark.parametrize(
    ("local", "working"),
    [
        ((2026, 2, 9, 7, 29, 59), False),
        ((2026, 2, 9, 7, 30), True),
        ((2026, 2, 9, 11, 59, 59), True),
        ((2026, 2, 9, 12, 0), False),
        ((2026, 2, 9, 12, 59), False),
        ((2026, 2, 9, 13, 0), True),
        ((2026, 2, 9, 15, 59), True),
        ((2026, 2, 9, 16, 0), False),
        ((2026, 2, 13, 11, 30), False),  # Friday: break from 11:30
        ((2026, 2, 13, 16, 15), True),  # Friday: open until 16:30
        ((2026, 2, 14, 9, 0), False),  # Saturday
        ((2026, 8, 17, 9, 0), False),  # Hari Kemerdekaan, a Monday
    ],
)
def test_is_working_time(wib: WorkCalendar, local: tuple[int, ...], working: bool) -> None:
    assert is_working_time(wib, at(WIB, *local)) is working


def test_next_working_instant(wib: WorkCalendar) -> None:
    working = at(WIB, 2026, 2, 9, 9, 15, 30)
    assert next_working_instant(wib, working) is working
    assert next_working_instant(wib, at(WIB, 2026, 2, 9, 12, 10)) == at(WIB, 2026, 2, 9, 13, 0)
    assert next_working_instant(wib, at(WIB, 2026, 2, 7, 10, 0)) == at(WIB, 2026, 2, 9, 7, 30)
    # Friday evening before 17 August 2026 (Monday): next is Tuesday morning.
    assert next_working_instant(wib, at(WIB, 2026, 8, 14, 17, 0)) == at(WIB, 2026, 8, 18, 7, 30)


def test_idul_fitri_and_cuti_bersama_2026(wib: WorkCalendar) -> None:
    """Wednesday 18 to Tuesday 24 March 2026 are Nyepi, Idul Fitri, cuti bersama and a weekend."""
    tuesday_3pm = at(WIB, 2026, 3, 17, 15, 0)
    assert add_working_minutes(wib, tuesday_3pm, 60) == at(WIB, 2026, 3, 17, 16, 0)
    assert add_working_minutes(wib, tuesday_3pm, 120) == at(WIB, 2026, 3, 25, 8, 30)
    assert working_minutes_between(wib, tuesday_3pm, at(WIB, 2026, 3, 25, 7, 30)) == 60
    # Nine working days of 7.5 hours from the Monday before: 16, 17, 25, 26, 27, 30, 31 March,
    # 1 and 2 April (3 April is Wafat Yesus Kristus).
    assert add_working_minutes(wib, at(WIB, 2026, 3, 16, 7, 30), 9 * 450) == at(
        WIB, 2026, 4, 2, 16, 0
    )


def test_hari_kemerdekaan(wib: WorkCalendar) -> None:
    friday_4pm = at(WIB, 2026, 8, 14, 16, 0)
    assert add_working_minutes(wib, friday_4pm, 60) == at(WIB, 2026, 8, 18, 8, 0)


def test_same_instant_in_wib_and_wita_offices() -> None:
    wib, wita, wit = (WorkCalendar(timezone=zone) for zone in (WIB, WITA, WIT))
    # Sunday 23:30 UTC is Monday 06:30 WIB (closed), 07:30 WITA (open), 08:30 WIT (open).
    instant = at(UTC, 2026, 2, 8, 23, 30)
    assert not is_working_time(wib, instant)
    assert is_working_time(wita, instant)
    assert is_working_time(wit, instant)
    assert add_working_minutes(wib, instant, 60) == at(WIB, 2026, 2, 9, 8, 30)
    assert add_working_minutes(wita, instant, 60) == at(WITA, 2026, 2, 9, 8, 30)
    assert add_working_minutes(wib, instant, 60) - add_working_minutes(wita, instant, 60) == (
        timedelta(hours=1)
    )
    # Monday 08:45 UTC is 15:45 WIB (open) and 16:45 WITA (closed since 16:00).
    afternoon = at(UTC, 2026, 2, 9, 8, 45)
    assert is_working_time(wib, afternoon)
    assert not is_working_time(wita, afternoon)
    assert next_working_instant(wita, afternoon) == at(WITA, 2026, 2, 10, 7, 30)


def test_closure_spanning_a_day_boundary() -> None:
    closed = (at(WIB, 2026, 2, 10, 14, 0), at(WIB, 2026, 2, 11, 10, 0))
    cal = WorkCalendar(timezone=WIB, closures=(closed,))
    tuesday_1pm = at(WIB, 2026, 2, 10, 13, 0)
    # 13:00–14:00 on Tuesday, then Wednesday from 10:00.
    assert add_working_minutes(cal, tuesday_1pm, 60) == at(WIB, 2026, 2, 10, 14, 0)
    assert add_working_minutes(cal, tuesday_1pm, 120) == at(WIB, 2026, 2, 11, 11, 0)
    assert not is_working_time(cal, at(WIB, 2026, 2, 10, 15, 0))
    assert not is_working_time(cal, at(WIB, 2026, 2, 11, 9, 59))
    assert is_working_time(cal, at(WIB, 2026, 2, 11, 10, 0))
    assert next_working_instant(cal, at(WIB, 2026, 2, 10, 14, 0)) == at(WIB, 2026, 2, 11, 10, 0)
    tuesday = (at(WIB, 2026, 2, 10, 7, 30), at(WIB, 2026, 2, 11, 16, 0))
    assert working_minutes_between(cal, *tuesday) == (270 + 60) + (120 + 180)
    assert working_intervals_on(cal, date(2026, 2, 11)) == (
        (at(WIB, 2026, 2, 11, 10, 0), at(WIB, 2026, 2, 11, 12, 0)),
        (at(WIB, 2026, 2, 11, 13, 0), at(WIB, 2026, 2, 11, 16, 0)),
    )


def test_closures_are_merged_and_may_be_given_in_any_zone() -> None:
    cal = WorkCalendar(
        timezone=WIB,
        closures=(
            (at(UTC, 2026, 2, 9, 3, 0), at(UTC, 2026, 2, 9, 7, 0)),  # 10:00–14:00 WIB
            (at(WITA, 2026, 2, 9, 9, 0), at(WITA, 2026, 2, 9, 12, 0)),  # 08:00–11:00 WIB
        ),
    )
    assert cal.closures == ((at(UTC, 2026, 2, 9, 1, 0), at(UTC, 2026, 2, 9, 7, 0)),)
    monday = date(2026, 2, 9)
    assert working_intervals_on(cal, monday) == (
        (at(WIB, 2026, 2, 9, 7, 30), at(WIB, 2026, 2, 9, 8, 0)),
        (at(WIB, 2026, 2, 9, 14, 0), at(WIB, 2026, 2, 9, 16, 0)),
    )


def test_no_working_hours_is_an_error_not_a_hang() -> None:
    closed = WorkCalendar(timezone=WIB, weekly_hours=(None,) * 7)
    with pytest.raises(CalendarError, match="Tidak ada jam kerja"):
        add_working_minutes(closed, at(WIB, 2026, 2, 9, 8, 0), 1)
    with pytest.raises(CalendarError):
        next_working_instant(closed, at(WIB, 2026, 2, 9, 8, 0))
    # Counting is bounded by its end and needs no error.
    assert working_minutes_between(closed, at(WIB, 2026, 1, 1), at(WIB, 2031, 1, 1)) == 0


def test_a_closure_of_four_years_is_an_error() -> None:
    start = at(WIB, 2026, 1, 1)
    cal = WorkCalendar(timezone=WIB, closures=((start, start + timedelta(days=4 * 365)),))
    with pytest.raises(CalendarError):
        add_working_minutes(cal, start, 60)


def test_a_closure_of_two_years_is_waited_out() -> None:
    start = at(WIB, 2026, 1, 5, 7, 30)
    cal = WorkCalendar(timezone=WIB, closures=((start, at(WIB, 2028, 1, 3, 7, 30)),))
    assert next_working_instant(cal, start) == at(WIB, 2028, 1, 3, 7, 30)


@pytest.mark.parametrize(
    "call",
    [
        lambda cal, naive: add_working_minutes(cal, naive, 10),
        lambda cal, naive: working_minutes_between(cal, naive, at(WIB, 2026, 2, 9)),
        lambda cal, naive: working_time_between(cal, at(WIB, 2026, 2, 9), naive),
        lambda cal, naive: is_working_time(cal, naive),
        lambda cal, naive: next_working_instant(cal, naive),
        lambda cal, naive: WorkCalendar(timezone=WIB, closures=((naive, at(WIB, 2026, 2, 9)),)),
    ],
)
def test_naive_datetimes_are_refused(
    wib: WorkCalendar, call: Callable[[WorkCalendar, datetime], object]
) -> None:
    naive = datetime(2026, 2, 9, 9, 0)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="zona waktu"):
        call(wib, naive)


def test_minutes_must_be_a_non_negative_integer(wib: WorkCalendar) -> None:
    start = at(WIB, 2026, 2, 9, 9, 0)
    with pytest.raises(ValueError, match="negatif"):
        add_working_minutes(wib, start, -1)
    with pytest.raises(TypeError):
        add_working_minutes(wib, start, 1.5)  # type: ignore[arg-type]  # a float on purpose
    with pytest.raises(TypeError):
        add_working_minutes(wib, start, True)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ((time(16, 0), time(7, 30), None, None), "harus setelah jam buka"),
        ((time(7, 30), time(16, 0), time(12, 0), None), "mulai dan selesainya"),
        ((time(7, 30), time(16, 0), time(15, 0), time(17, 0)), "di dalam jam kerja"),
        ((time(7, 30), time(16, 0), time(7, 0), time(8, 0)), "di dalam jam kerja"),
        ((time(7, 30), time(16, 0), time(13, 0), time(12, 0)), "di dalam jam kerja"),
        ((time(7, 30), time(16, 0), time(7, 30), time(16, 0)), "seluruh jam kerja"),
    ],
)
def test_day_hours_are_validated(
    hours: tuple[time, time, time | None, time | None], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        DayHours(*hours)


def test_weekly_hours_need_seven_days() -> None:
    with pytest.raises(ValueError, match="tujuh hari"):
        WorkCalendar(timezone=WIB, weekly_hours=DEFAULT_WEEKLY_HOURS[:5])


def test_national_holidays_between() -> None:
    found = national_holidays_between(date(2026, 3, 17), date(2026, 3, 25))
    assert [day for day, _ in found] == [date(2026, 3, d) for d in range(18, 25)]
    assert ("Cuti Bersama Hari Suci Nyepi" in dict(found).values()) is True
    across_years = national_holidays_between(date(2025, 12, 24), date(2026, 1, 2))
    assert [day for day, _ in across_years] == [
        date(2025, 12, 25),
        date(2025, 12, 26),
        date(2026, 1, 1),
    ]


def test_holidays_are_safe_to_fill_from_many_threads() -> None:
    fresh = calendar_module._NationalHolidays()
    days = [date(2041, 1, 1) + timedelta(days=i) for i in range(365)]
    expected = {day for day in days if calendar_module._NATIONAL.contains(day)}
    assert expected  # 2041 has holidays
    seen: list[set[date]] = []

    def look() -> None:
        seen.append({day for day in days if fresh.contains(day)})

    threads = [threading.Thread(target=look) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [expected] * 8
