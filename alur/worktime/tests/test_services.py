"""Changing an office's hours and closures: who may, what is refused, what the audit records.

Personas (demo data): Way Kanan (18.08) Kadis, Sekretaris, Kasi and operator; the Kadis of Kota
Metro (18.72), another regency. A Kota Makassar office (73.71, WITA) is made here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alur.audit.models import AuditEvent
from alur.org.choices import PositionKind
from alur.org.models import Office, User
from alur.org.services import appointment_create, office_create, position_create, user_create
from alur.worktime import services
from alur.worktime.calendar import (
    DEFAULT_WEEKLY_HOURS,
    DayHours,
    add_working_minutes,
    is_working_time,
)
from alur.worktime.models import Closure, WeeklyHours
from alur.worktime.selectors import calendar_for, closures_for, holidays_between, hours_for

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")

Persona = Callable[[str], User]
OfficeByCode = Callable[[str], Office]


def wib(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=WIB)


@contextmanager
def nothing_written(office: Office) -> Iterator[None]:
    """Asserts that the block writes no closure, no weekly hours and no audit event."""
    counts = (
        Closure.objects.filter(office=office).count(),
        WeeklyHours.objects.filter(office=office).count(),
        AuditEvent.objects.filter(office=office).count(),
    )
    yield
    assert counts == (
        Closure.objects.filter(office=office).count(),
        WeeklyHours.objects.filter(office=office).count(),
        AuditEvent.objects.filter(office=office).count(),
    )


def events(office: Office) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(office=office).order_by("seq"))


@pytest.fixture
def waykanan(office: OfficeByCode) -> Office:
    """Way Kanan on the default hours and without closures, whatever the demo data holds."""
    found = office("18.08")
    WeeklyHours.objects.filter(office=found).delete()
    Closure.objects.filter(office=found).delete()
    return found


@pytest.fixture
def kadis(persona: Persona) -> User:
    return persona("waykanan.kadis")


@pytest.fixture
def makassar(db: None) -> tuple[Office, User]:
    """A WITA office and its Kadis."""
    found = Office.objects.filter(code="73.71").first() or office_create(code="73.71")
    assert found.timezone == "Asia/Makassar"
    position = position_create(
        office=found, kind=PositionKind.KADIS, title="Kepala Dinas (uji jam kerja)"
    )
    user = user_create(
        username="uji.makassar.kadis", full_name="Andi Pratama", password="Uji-Jam-Kerja-2026!"
    )
    appointment_create(user=user, position=position, starts_on=date(2024, 1, 2))
    return found, user


# --- closures ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_closure_is_recorded_and_counts_in_the_calendar(waykanan: Office, kadis: User) -> None:
    before = len(events(waykanan))
    closure = services.closure_create(
        office=waykanan, starts_at=wib(2031, 2, 4, 13, 0), ends_at=wib(2031, 2, 5, 10, 0),
        reason="Pemadaman listrik terjadwal", actor=kadis,
    )  # fmt: skip
    assert closure.created_by == kadis
    written = events(waykanan)[before:]
    assert [(e.action, e.actor_id, e.object_id) for e in written] == [
        ("closure.create", kadis.pk, str(closure.pk))
    ]
    assert written[0].after["reason"] == "Pemadaman listrik terjadwal"
    assert written[0].reason == "Pemadaman listrik terjadwal"
    cal = calendar_for(waykanan)
    assert not is_working_time(cal, wib(2031, 2, 4, 15, 0))
    # Tuesday 11:00–12:00, then closed from 13:00 until Wednesday 10:00, then 10:00–11:00.
    assert add_working_minutes(cal, wib(2031, 2, 4, 11, 0), 120) == wib(2031, 2, 5, 11, 0)


@pytest.mark.django_db
def test_an_overlapping_closure_is_refused_naming_the_other(waykanan: Office, kadis: User) -> None:
    services.closure_create(
        office=waykanan, starts_at=wib(2031, 3, 10, 8, 0), ends_at=wib(2031, 3, 11, 12, 0),
        reason="Rapat kerja di kabupaten", actor=kadis,
    )  # fmt: skip
    with nothing_written(waykanan), pytest.raises(ValidationError) as refused:
        services.closure_create(
            office=waykanan, starts_at=wib(2031, 3, 11, 11, 0), ends_at=wib(2031, 3, 11, 16, 0),
            reason="Gangguan jaringan SIAK", actor=kadis,
        )  # fmt: skip
    assert refused.value.code == "closure_overlap"
    assert refused.value.messages == [
        "Penutupan ini bertumpuk dengan penutupan lain: “Rapat kerja di kabupaten” "
        "(10-03-2031 08:00 WIB – 11-03-2031 12:00 WIB). "
        "Ubah waktunya, atau hapus penutupan itu lebih dulu."
    ]
    # A closure covering the other one entirely is an overlap too.
    with nothing_written(waykanan), pytest.raises(ValidationError):
        services.closure_create(
            office=waykanan, starts_at=wib(2031, 3, 9), ends_at=wib(2031, 3, 13),
            reason="Libur daerah", actor=kadis,
        )  # fmt: skip


@pytest.mark.django_db
def test_closures_may_touch_end_to_start(waykanan: Office, kadis: User) -> None:
    services.closure_create(
        office=waykanan, starts_at=wib(2031, 4, 1, 8), ends_at=wib(2031, 4, 1, 12),
        reason="Pagi", actor=kadis,
    )  # fmt: skip
    services.closure_create(
        office=waykanan, starts_at=wib(2031, 4, 1, 12), ends_at=wib(2031, 4, 1, 16),
        reason="Siang", actor=kadis,
    )  # fmt: skip
    assert [c.reason for c in closures_for(waykanan)] == ["Pagi", "Siang"]


@pytest.mark.django_db
def test_overlap_message_is_in_the_offices_local_time(makassar: tuple[Office, User]) -> None:
    office, kadis = makassar
    services.closure_create(
        office=office, starts_at=datetime(2031, 5, 5, 8, 0, tzinfo=WITA),
        ends_at=datetime(2031, 5, 5, 12, 0, tzinfo=WITA), reason="Banjir", actor=kadis,
    )  # fmt: skip
    with pytest.raises(ValidationError, match=r"05-05-2031 08:00 WITA – 05-05-2031 12:00 WITA"):
        services.closure_create(
            office=office, starts_at=wib(2031, 5, 5, 10, 0), ends_at=wib(2031, 5, 5, 11, 0),
            reason="Listrik padam", actor=kadis,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "reason", "message"),
    [
        (datetime(2031, 6, 2, 8), wib(2031, 6, 2, 12), "Banjir", "zona waktu"),  # noqa: DTZ001
        (wib(2031, 6, 2, 8), datetime(2031, 6, 2, 12), "Banjir", "zona waktu"),  # noqa: DTZ001
        (wib(2031, 6, 2, 12), wib(2031, 6, 2, 8), "Banjir", "harus setelah waktu mulai"),
        (wib(2031, 6, 2, 8), wib(2031, 6, 2, 8), "Banjir", "harus setelah waktu mulai"),
        (wib(2031, 6, 2, 8), wib(2031, 6, 2, 12), "   ", "Alasan wajib diisi"),
        (wib(2031, 6, 2, 8), wib(2031, 6, 2, 12), "x" * 201, "paling panjang 200"),
    ],
)
@pytest.mark.django_db
def test_a_closure_needs_aware_ordered_times_and_a_reason(
    waykanan: Office, kadis: User, starts_at: datetime, ends_at: datetime, reason: str,
    message: str,
) -> None:  # fmt: skip
    with nothing_written(waykanan), pytest.raises(ValidationError, match=message):
        services.closure_create(
            office=waykanan, starts_at=starts_at, ends_at=ends_at, reason=reason, actor=kadis
        )


@pytest.mark.django_db
def test_deleting_a_closure(waykanan: Office, kadis: User) -> None:
    closure = services.closure_create(
        office=waykanan, starts_at=wib(2031, 7, 1, 8), ends_at=wib(2031, 7, 1, 12),
        reason="Banjir", actor=kadis,
    )  # fmt: skip
    with nothing_written(waykanan), pytest.raises(ValidationError, match="Alasan wajib"):
        services.closure_delete(closure=closure, actor=kadis, reason="")
    before = len(events(waykanan))
    services.closure_delete(closure=closure, actor=kadis, reason="Banjir sudah surut")
    assert not Closure.objects.filter(pk=closure.pk).exists()
    written = events(waykanan)[before:]
    assert [(e.action, e.object_id, e.reason) for e in written] == [
        ("closure.delete", str(closure.pk), "Banjir sudah surut")
    ]
    assert written[0].before["reason"] == "Banjir"
    assert is_working_time(calendar_for(waykanan), wib(2031, 7, 1, 9))


@pytest.mark.django_db
def test_closures_for_since_leaves_out_ended_ones(waykanan: Office, kadis: User) -> None:
    for day, reason in ((1, "Lama"), (3, "Baru")):
        services.closure_create(
            office=waykanan, starts_at=wib(2031, 8, day, 8), ends_at=wib(2031, 8, day, 12),
            reason=reason, actor=kadis,
        )  # fmt: skip
    assert [c.reason for c in closures_for(waykanan)] == ["Lama", "Baru"]
    assert [c.reason for c in closures_for(waykanan, since=wib(2031, 8, 2))] == ["Baru"]
    assert len(calendar_for(waykanan, since=wib(2031, 8, 2)).closures) == 1


# --- who may ----------------------------------------------------------------------------------


def _every_change(office: Office, actor: User, closure: Closure) -> list[Callable[[], object]]:
    return [
        lambda: services.closure_create(
            office=office, starts_at=wib(2031, 9, 1, 8), ends_at=wib(2031, 9, 1, 9),
            reason="Banjir", actor=actor,
        ),
        lambda: services.closure_delete(closure=closure, actor=actor, reason="Salah catat"),
        lambda: services.weekly_hours_set(
            office=office, weekday=0, opens=time(8), closes=time(15), actor=actor
        ),
        lambda: services.weekly_hours_clear_day(office=office, weekday=4, actor=actor),
        lambda: services.weekly_hours_reset(office=office, actor=actor, reason="Kembali"),
    ]  # fmt: skip


@pytest.mark.parametrize("username", ["waykanan.operator", "waykanan.kasi.dafduk", "metro.kadis"])
@pytest.mark.django_db
def test_only_calendar_managers_of_the_office_may_change_it(
    waykanan: Office, kadis: User, persona: Persona, username: str
) -> None:
    """An operator or Kasi lacks MANAGE_CALENDAR; Kota Metro's Kadis is of another regency."""
    closure = services.closure_create(
        office=waykanan, starts_at=wib(2031, 9, 2, 8), ends_at=wib(2031, 9, 2, 9),
        reason="Rapat", actor=kadis,
    )  # fmt: skip
    services.weekly_hours_set(
        office=waykanan, weekday=1, opens=time(8), closes=time(15), actor=kadis
    )
    outsider = persona(username)
    for change in _every_change(waykanan, outsider, closure):
        with nothing_written(waykanan), pytest.raises(PermissionDenied):
            change()
    assert Closure.objects.filter(pk=closure.pk).exists()


@pytest.mark.parametrize("username", ["waykanan.sekretaris", "waykanan.kabid.dafduk"])
@pytest.mark.django_db
def test_sekretaris_and_kabid_may_change_the_calendar(
    waykanan: Office, persona: Persona, username: str
) -> None:
    closure = services.closure_create(
        office=waykanan, starts_at=wib(2031, 9, 3, 8), ends_at=wib(2031, 9, 3, 9),
        reason="Rapat", actor=persona(username),
    )  # fmt: skip
    assert closure.pk is not None


@pytest.mark.django_db
def test_a_kadis_cannot_change_another_regencys_calendar(
    persona: Persona, office: OfficeByCode
) -> None:
    metro = office("18.72")
    with nothing_written(metro), pytest.raises(PermissionDenied, match="tidak memiliki wewenang"):
        services.closure_create(
            office=metro, starts_at=wib(2031, 9, 4, 8), ends_at=wib(2031, 9, 4, 9),
            reason="Rapat", actor=persona("waykanan.kadis"),
        )  # fmt: skip


# --- weekly hours -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_office_without_hours_works_the_default(
    waykanan: Office, makassar: tuple[Office, User], django_assert_num_queries: Callable
) -> None:
    office, _ = makassar
    with django_assert_num_queries(2):  # weekly hours, closures
        cal = calendar_for(office)
    assert cal.weekly_hours == DEFAULT_WEEKLY_HOURS
    assert cal.timezone == WITA
    # Monday 07:30 WITA is 06:30 WIB: the Makassar office is open, Way Kanan is not yet.
    instant = datetime(2031, 2, 3, 7, 30, tzinfo=WITA)
    assert is_working_time(cal, instant)
    assert not is_working_time(calendar_for(waykanan), instant)
    rows = hours_for(office)
    assert [row.label for row in rows] == [
        "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
    ]  # fmt: skip
    assert all(row.is_default for row in rows)
    assert rows[0].hours_label == "07.30–16.00, istirahat 12.00–13.00"
    assert rows[4].hours_label == "07.30–16.30, istirahat 11.30–13.00"
    assert rows[5].is_closed and rows[5].hours_label == "Tutup"


@pytest.mark.django_db
def test_setting_monday_keeps_the_other_default_days(waykanan: Office, kadis: User) -> None:
    before = len(events(waykanan))
    row = services.weekly_hours_set(
        office=waykanan, weekday=0, opens=time(8), closes=time(15), break_starts=time(12),
        break_ends=time(12, 30), actor=kadis, reason="Jam layanan baru",
    )  # fmt: skip
    assert (row.weekday, row.opens, row.closes) == (0, time(8), time(15))
    cal = calendar_for(waykanan)
    assert cal.weekly_hours[0] == DayHours(time(8), time(15), time(12), time(12, 30))
    assert cal.weekly_hours[1:] == DEFAULT_WEEKLY_HOURS[1:]
    assert not any(r.is_default for r in hours_for(waykanan))
    written = events(waykanan)[before:]
    assert [e.action for e in written] == ["weekly_hours.set"]
    assert written[0].before["default"] is True
    assert written[0].before["hours"]["opens"] == "07:30:00"
    assert written[0].after["hours"]["opens"] == "08:00:00"
    assert written[0].after["default_written_for"] == [1, 2, 3, 4]
    assert written[0].reason == "Jam layanan baru"

    # A second change updates the row and writes one more event, without materialising.
    services.weekly_hours_set(
        office=waykanan, weekday=0, opens=time(8), closes=time(14), actor=kadis
    )
    assert WeeklyHours.objects.filter(office=waykanan).count() == 5
    written = events(waykanan)[before:]
    assert len(written) == 2
    assert "default_written_for" not in written[1].after
    assert calendar_for(waykanan).weekly_hours[0] == DayHours(time(8), time(14))


@pytest.mark.django_db
def test_saturday_service(waykanan: Office, kadis: User) -> None:
    services.weekly_hours_set(
        office=waykanan, weekday=5, opens=time(8), closes=time(12), actor=kadis
    )
    cal = calendar_for(waykanan)
    assert cal.weekly_hours[5] == DayHours(time(8), time(12))
    assert cal.weekly_hours[:5] == DEFAULT_WEEKLY_HOURS[:5]
    assert cal.weekly_hours[6] is None


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ((time(7, 30), time(16), time(15), time(17)), "harus berada di dalam jam kerja"),
        ((time(7, 30), time(16), time(7), time(8)), "harus berada di dalam jam kerja"),
        ((time(7, 30), time(16), time(13), time(12)), "harus berada di dalam jam kerja"),
        (
            (time(16), time(7, 30), None, None),
            r"Jam tutup \(07:30\) harus setelah jam buka \(16:00\)\.",
        ),
        ((time(7, 30), time(16), time(12), None), "diisi mulai dan selesainya"),
    ],
)
@pytest.mark.django_db
def test_hours_out_of_order_are_refused(
    waykanan: Office, kadis: User, hours: tuple[time, time, time | None, time | None],
    message: str,
) -> None:  # fmt: skip
    opens, closes, break_starts, break_ends = hours
    with nothing_written(waykanan), pytest.raises(ValidationError, match=message):
        services.weekly_hours_set(
            office=waykanan, weekday=2, opens=opens, closes=closes, break_starts=break_starts,
            break_ends=break_ends, actor=kadis,
        )  # fmt: skip


@pytest.mark.django_db
def test_an_unknown_weekday_is_refused(waykanan: Office, kadis: User) -> None:
    with nothing_written(waykanan), pytest.raises(ValidationError, match="Hari tidak dikenal"):
        services.weekly_hours_set(
            office=waykanan, weekday=7, opens=time(8), closes=time(15), actor=kadis
        )


@pytest.mark.django_db
def test_closing_friday(waykanan: Office, kadis: User) -> None:
    before = len(events(waykanan))
    assert services.weekly_hours_clear_day(
        office=waykanan, weekday=4, actor=kadis, reason="Jumat untuk jemput bola"
    )
    cal = calendar_for(waykanan)
    assert cal.weekly_hours[4] is None
    assert cal.weekly_hours[:4] == DEFAULT_WEEKLY_HOURS[:4]
    written = events(waykanan)[before:]
    assert [e.action for e in written] == ["weekly_hours.clear_day"]
    assert written[0].after == {"weekday": 4, "hours": None, "default_written_for": [0, 1, 2, 3]}
    # Thursday 15:00 + 120 minutes → Monday (Friday closed).
    assert add_working_minutes(cal, wib(2031, 2, 6, 15), 120) == wib(2031, 2, 10, 8, 30)


@pytest.mark.django_db
def test_closing_a_closed_day_changes_nothing(waykanan: Office, kadis: User) -> None:
    with nothing_written(waykanan):
        assert not services.weekly_hours_clear_day(office=waykanan, weekday=6, actor=kadis)
    assert all(row.is_default for row in hours_for(waykanan))


@pytest.mark.django_db
def test_the_last_working_day_cannot_be_closed(waykanan: Office, kadis: User) -> None:
    for weekday in range(4):
        services.weekly_hours_clear_day(office=waykanan, weekday=weekday, actor=kadis)
    with nothing_written(waykanan), pytest.raises(ValidationError, match="sedikitnya satu hari"):
        services.weekly_hours_clear_day(office=waykanan, weekday=4, actor=kadis)
    assert calendar_for(waykanan).weekly_hours[4] == DEFAULT_WEEKLY_HOURS[4]


@pytest.mark.django_db
def test_reset_to_default(waykanan: Office, kadis: User) -> None:
    services.weekly_hours_set(
        office=waykanan, weekday=0, opens=time(8), closes=time(15), actor=kadis
    )
    before = len(events(waykanan))
    with pytest.raises(ValidationError, match="Alasan wajib"):
        services.weekly_hours_reset(office=waykanan, actor=kadis, reason="")
    assert services.weekly_hours_reset(office=waykanan, actor=kadis, reason="Ikut Perpres")
    assert not WeeklyHours.objects.filter(office=waykanan).exists()
    assert calendar_for(waykanan).weekly_hours == DEFAULT_WEEKLY_HOURS
    written = events(waykanan)[before:]
    assert [e.action for e in written] == ["weekly_hours.reset"]
    assert written[0].before["hours"]["0"]["opens"] == "08:00:00"
    with nothing_written(waykanan):
        assert not services.weekly_hours_reset(office=waykanan, actor=kadis, reason="Lagi")


# --- holidays ---------------------------------------------------------------------------------


def test_holidays_between_for_display() -> None:
    found = holidays_between(date(2026, 8, 10), date(2026, 8, 31))
    assert [(h.day, h.name) for h in found] == [
        (date(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia"),
        (date(2026, 8, 25), "Maulid Nabi Muhammad"),
    ]
    day, name = found[0]
    assert (day, name) == (date(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia")
    cuti = holidays_between(date(2026, 3, 23), date(2026, 3, 23))
    assert cuti[0].is_cuti_bersama
    assert not found[0].is_cuti_bersama
    assert holidays_between(date(2026, 1, 2), date(2026, 1, 1)) == []
