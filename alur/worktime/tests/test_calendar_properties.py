"""Properties of the working-time arithmetic, over random calendars (no database).

Calendars have random weekly hours, random holidays and random closures; the instants are
random too. A slow, obviously correct oracle (minute by minute, in local time) checks the fast
interval walk.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from alur.worktime.calendar import (
    DayHours,
    WorkCalendar,
    add_working_minutes,
    is_working_time,
    next_working_instant,
    working_minutes_between,
    working_time_between,
)

INDONESIAN_ZONES = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]
WINDOW_START = datetime(2026, 1, 1, tzinfo=UTC)
WINDOW_DAYS = 60
MINUTE = timedelta(minutes=1)
TICK = timedelta(microseconds=1)

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _clock(minute_of_day: int) -> time:
    return time(minute_of_day // 60, minute_of_day % 60)


@st.composite
def day_hours(draw: st.DrawFn) -> DayHours:
    two_minutes = st.lists(st.integers(0, 1439), min_size=2, max_size=2, unique=True)
    opens, closes = sorted(draw(two_minutes))
    if closes - opens >= 2 and draw(st.booleans()):
        start, end = sorted(
            draw(st.lists(st.integers(opens, closes), min_size=2, max_size=2, unique=True))
        )
        assume((start, end) != (opens, closes))
        return DayHours(_clock(opens), _clock(closes), _clock(start), _clock(end))
    return DayHours(_clock(opens), _clock(closes))


week_hours = st.lists(st.one_of(st.none(), day_hours()), min_size=7, max_size=7).filter(
    lambda days: any(d is not None for d in days)
)


@st.composite
def closures(draw: st.DrawFn, zone: ZoneInfo) -> tuple[tuple[datetime, datetime], ...]:
    found = []
    for _ in range(draw(st.integers(0, 6))):
        start = WINDOW_START + draw(st.integers(0, WINDOW_DAYS * 1440)) * MINUTE
        length = draw(st.integers(1, 4 * 1440)) * MINUTE
        # Closures arrive in the office's zone or in UTC; both must work.
        found.append((start.astimezone(zone), (start + length).astimezone(UTC)))
    return tuple(found)


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    zone = ZoneInfo(draw(st.sampled_from(INDONESIAN_ZONES)))
    holiday_days = draw(st.frozensets(st.dates(date(2025, 12, 25), date(2026, 3, 31)), max_size=10))
    return WorkCalendar(
        timezone=zone,
        weekly_hours=tuple(draw(week_hours)),
        is_holiday=holiday_days.__contains__,
        closures=draw(closures(zone)),
    )


@st.composite
def instants(draw: st.DrawFn, whole_minutes: bool = False) -> datetime:
    offset = draw(st.integers(-2 * 1440, WINDOW_DAYS * 1440)) * MINUTE
    if not whole_minutes:
        offset += draw(st.integers(0, 59_999_999)) * TICK
    zone = ZoneInfo(draw(st.sampled_from([*INDONESIAN_ZONES, "UTC"])))
    return (WINDOW_START + offset).astimezone(zone)


minutes = st.integers(0, 6000)


def oracle_is_working(cal: WorkCalendar, instant: datetime) -> bool:
    """Straight from the definition, sharing no code with the walk."""
    local = instant.astimezone(cal.timezone)
    hours = cal.weekly_hours[local.weekday()]
    if hours is None or cal.is_holiday(local.date()):
        return False
    clock = local.time().replace(tzinfo=None)
    in_hours = hours.opens <= clock < hours.closes
    in_break = (
        hours.break_starts is not None
        and hours.break_ends is not None
        and hours.break_starts <= clock < hours.break_ends
    )
    in_closure = any(start <= instant < end for start, end in cal.closures)
    return in_hours and not in_break and not in_closure


@PROPERTY_SETTINGS
@given(calendars(), instants(), minutes, minutes)
def test_adding_in_two_steps_equals_adding_at_once(
    cal: WorkCalendar, start: datetime, a: int, b: int
) -> None:
    assert add_working_minutes(cal, add_working_minutes(cal, start, a), b) == add_working_minutes(
        cal, start, a + b
    )


@PROPERTY_SETTINGS
@given(calendars(), instants(), st.integers(1, 6000))
def test_a_positive_result_ends_a_working_minute(
    cal: WorkCalendar, start: datetime, m: int
) -> None:
    result = add_working_minutes(cal, start, m)
    just_before = result - TICK
    assert result > start
    assert is_working_time(cal, just_before)
    assert oracle_is_working(cal, just_before)
    assert not any(c_start <= just_before < c_end for c_start, c_end in cal.closures)
    assert result.tzinfo == cal.timezone


@PROPERTY_SETTINGS
@given(calendars(), instants(), minutes)
def test_working_minutes_between_undoes_adding(cal: WorkCalendar, start: datetime, m: int) -> None:
    end = add_working_minutes(cal, start, m)
    assert working_minutes_between(cal, start, end) == m
    assert working_time_between(cal, start, end) == m * MINUTE


@PROPERTY_SETTINGS
@given(calendars(), instants(), instants())
def test_adding_the_minutes_between_does_not_overshoot(
    cal: WorkCalendar, start: datetime, end: datetime
) -> None:
    assume(start <= end)
    between = working_minutes_between(cal, start, end)
    assert add_working_minutes(cal, start, between) <= end
    # Less than a whole minute of working time is left: one more minute ends after `end`.
    assert add_working_minutes(cal, start, between + 1) > end


@PROPERTY_SETTINGS
@given(calendars(), instants(), instants())
def test_nothing_before_start_counts(cal: WorkCalendar, start: datetime, end: datetime) -> None:
    assume(end <= start)
    assert working_minutes_between(cal, start, end) == 0


@PROPERTY_SETTINGS
@given(calendars(), instants())
def test_next_working_instant_is_the_first_working_instant(
    cal: WorkCalendar, instant: datetime
) -> None:
    found = next_working_instant(cal, instant)
    assert found >= instant
    assert is_working_time(cal, found)
    assert oracle_is_working(cal, found)
    # No working time at all lies in [instant, found).
    assert working_time_between(cal, instant, found) == timedelta()
    if is_working_time(cal, instant):
        assert found == instant
    else:
        assert found > instant


@PROPERTY_SETTINGS
@given(calendars(), instants())
def test_is_working_time_agrees_with_the_definition(cal: WorkCalendar, instant: datetime) -> None:
    assert is_working_time(cal, instant) == oracle_is_working(cal, instant)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars(), instants(whole_minutes=True), st.integers(0, 3 * 1440))
def test_working_minutes_between_counts_like_a_clock(
    cal: WorkCalendar, start: datetime, span: int
) -> None:
    """Minute by minute (all hours and closures fall on whole minutes, and so does `start`)."""
    counted = sum(oracle_is_working(cal, start + i * MINUTE) for i in range(span))
    assert working_minutes_between(cal, start, start + span * MINUTE) == counted


@PROPERTY_SETTINGS
@given(calendars(), instants(), st.integers(0, 3000))
def test_adding_more_never_ends_earlier(cal: WorkCalendar, start: datetime, m: int) -> None:
    assert add_working_minutes(cal, start, m) < add_working_minutes(cal, start, m + 1)


def _no_holidays(_: date) -> bool:
    return False


@PROPERTY_SETTINGS
@given(instants(), st.sampled_from(INDONESIAN_ZONES), st.integers(0, 10_000))
def test_an_office_open_around_the_clock_counts_wall_time(
    instant: datetime, zone_name: str, m: int
) -> None:
    """With hours 00:00–23:59 and nothing else, only the last minute of each day is closed."""
    no_holidays: Callable[[date], bool] = _no_holidays
    cal = WorkCalendar(
        timezone=ZoneInfo(zone_name),
        weekly_hours=(DayHours(time(0, 0), time(23, 59)),) * 7,
        is_holiday=no_holidays,
    )
    result = add_working_minutes(cal, instant, m)
    elapsed = result - instant
    assert m * MINUTE <= elapsed <= m * MINUTE + (m // 1439 + 2) * MINUTE
