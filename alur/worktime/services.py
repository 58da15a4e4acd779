"""Changes to an office's working time. Each checks MANAGE_CALENDAR and writes its audit event."""

from __future__ import annotations

import secrets
from datetime import datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from alur.audit.services import record, snapshot
from alur.core.errors import ConflictError
from alur.org.access import Capability, require
from alur.org.models import Office, User
from alur.worktime.calendar import DEFAULT_WEEKLY_HOURS, DayHours
from alur.worktime.models import Closure, Weekday, WeeklyHours
from alur.worktime.selectors import week_hours_for

CLOSURE_FIELDS = ["starts_at", "ends_at", "reason"]
REASON_MAX_LENGTH = Closure._meta.get_field("reason").max_length or 200


def _lock_office(office: Office | int) -> Office:
    """Lock the office row: changes to one office's calendar happen one at a time."""
    office_id = office if isinstance(office, int) else office.pk
    locked = Office.objects.select_for_update().get(pk=office_id)
    # Every caller changes the calendar (or fails and rolls this back with it).
    locked.calendar_version = secrets.randbits(62)
    locked.save(update_fields=["calendar_version"])
    if isinstance(office, Office):
        office.calendar_version = locked.calendar_version  # the caller's copy stays current
    return locked


def _local(moment: datetime, office: Office) -> str:
    local = moment.astimezone(office.zone)
    return f"{local:%d-%m-%Y %H:%M} {local:%Z}"


def _check_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({"reason": "Alasan wajib diisi."}, code="reason_required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"Alasan paling panjang {REASON_MAX_LENGTH} karakter."},
            code="reason_length",
        )
    return reason


def _check_aware(value: datetime, field: str, label: str) -> None:
    if not isinstance(value, datetime):
        raise ValidationError({field: f"Waktu {label} harus berupa tanggal dan jam."}, code=field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            {field: f"Waktu {label} harus menyertakan zona waktu."}, code="naive_datetime"
        )


@transaction.atomic
def closure_create(
    *, office: Office, starts_at: datetime, ends_at: datetime, reason: str, actor: User
) -> Closure:
    """Close the office from `starts_at` to `ends_at` (besides national holidays).

    Refused when it overlaps another closure of the office: that one should be changed instead.
    """
    require(actor, Capability.MANAGE_CALENDAR, office)
    _check_aware(starts_at, "starts_at", "mulai")
    _check_aware(ends_at, "ends_at", "selesai")
    if ends_at <= starts_at:
        raise ValidationError(
            {
                "ends_at": (
                    f"Waktu selesai ({_local(ends_at, office)}) harus setelah waktu mulai "
                    f"({_local(starts_at, office)})."
                )
            },
            code="closure_order",
        )
    reason = _check_reason(reason, required=True)
    office = _lock_office(office)
    other = (
        Closure.objects.filter(office=office, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .order_by("starts_at")
        .first()
    )
    if other is not None:
        raise ValidationError(
            f"Penutupan ini bertumpuk dengan penutupan lain: “{other.reason}” "
            f"({_local(other.starts_at, office)} – {_local(other.ends_at, office)}). "
            "Ubah waktunya, atau hapus penutupan itu lebih dulu.",
            code="closure_overlap",
        )
    closure = Closure.objects.create(
        office=office, starts_at=starts_at, ends_at=ends_at, reason=reason, created_by=actor
    )
    record(
        actor=actor, office=office, action="closure.create", obj=closure,
        after=snapshot(closure, CLOSURE_FIELDS), reason=reason,
    )  # fmt: skip
    return closure


@transaction.atomic
def closure_delete(*, closure: Closure, actor: User, reason: str) -> None:
    """Remove a closure: the office works its usual hours in that time again."""
    require(actor, Capability.MANAGE_CALENDAR, closure.office_id)
    reason = _check_reason(reason, required=True)
    office = _lock_office(closure.office_id)
    current = Closure.objects.filter(pk=closure.pk, office=office).first()
    if current is None:
        raise ConflictError("Penutupan ini sudah dihapus oleh orang lain.")
    record(
        actor=actor, office=office, action="closure.delete", obj=current,
        before=snapshot(current, CLOSURE_FIELDS), reason=reason,
    )  # fmt: skip
    current.delete()


def _check_weekday(weekday: int) -> Weekday:
    if isinstance(weekday, bool) or weekday not in Weekday.values:
        raise ValidationError({"weekday": "Hari tidak dikenal."}, code="weekday")
    return Weekday(weekday)


def _hours_dict(hours: DayHours | None) -> dict[str, Any] | None:
    if hours is None:
        return None
    return {
        "opens": hours.opens,
        "closes": hours.closes,
        "break_starts": hours.break_starts,
        "break_ends": hours.break_ends,
    }


def _materialise_default(office: Office, *, except_weekday: int) -> list[int]:
    """Write the default hours as rows, so that changing one weekday keeps the others."""
    rows = [
        WeeklyHours(office=office, weekday=day, opens=hours.opens, closes=hours.closes,
                    break_starts=hours.break_starts, break_ends=hours.break_ends)
        for day, hours in enumerate(DEFAULT_WEEKLY_HOURS)
        if hours is not None and day != except_weekday
    ]  # fmt: skip
    WeeklyHours.objects.bulk_create(rows)
    return [row.weekday for row in rows]


@transaction.atomic
def weekly_hours_set(
    *, office: Office, weekday: int, opens: time, closes: time, break_starts: time | None = None,
    break_ends: time | None = None, actor: User, reason: str = "",
) -> WeeklyHours:  # fmt: skip
    """Set the office's hours on one weekday (local time), with an optional break.

    An office that still works the default hours gets them written out first, so that setting
    Monday does not close Tuesday to Friday.
    """
    require(actor, Capability.MANAGE_CALENDAR, office)
    day = _check_weekday(weekday)
    reason = _check_reason(reason, required=False)
    try:
        hours = DayHours(opens, closes, break_starts, break_ends)
    except ValueError as exc:
        raise ValidationError(str(exc), code="weekly_hours_invalid") from exc
    office = _lock_office(office)
    current, is_default = week_hours_for(office)
    materialised = _materialise_default(office, except_weekday=day) if is_default else []
    row, _ = WeeklyHours.objects.update_or_create(
        office=office, weekday=day,
        defaults={"opens": hours.opens, "closes": hours.closes,
                  "break_starts": hours.break_starts, "break_ends": hours.break_ends},
    )  # fmt: skip
    after: dict[str, Any] = {"weekday": int(day), "hours": _hours_dict(hours)}
    if materialised:
        after["default_written_for"] = materialised
    record(
        actor=actor, office=office, action="weekly_hours.set", obj=row,
        before={"weekday": int(day), "hours": _hours_dict(current[day]), "default": is_default},
        after=after, reason=reason,
    )  # fmt: skip
    return row


@transaction.atomic
def weekly_hours_clear_day(*, office: Office, weekday: int, actor: User, reason: str = "") -> bool:
    """Close the office on one weekday. Returns False when that day was closed already.

    The last working weekday cannot be closed: an office needs working time for its deadlines
    (and an office without any rows works the default hours).
    """
    require(actor, Capability.MANAGE_CALENDAR, office)
    day = _check_weekday(weekday)
    reason = _check_reason(reason, required=False)
    office = _lock_office(office)
    current, is_default = week_hours_for(office)
    if current[day] is None:
        return False
    if all(hours is None for other, hours in enumerate(current) if other != day):
        raise ValidationError(
            f"{day.label} adalah satu-satunya hari kerja kantor ini; kantor harus memiliki "
            "sedikitnya satu hari kerja. Tambahkan hari kerja lain lebih dulu.",
            code="weekly_hours_last_day",
        )
    materialised = _materialise_default(office, except_weekday=day) if is_default else []
    WeeklyHours.objects.filter(office=office, weekday=day).delete()
    after: dict[str, Any] = {"weekday": int(day), "hours": None}
    if materialised:
        after["default_written_for"] = materialised
    record(
        actor=actor, office=office, action="weekly_hours.clear_day", obj=office,
        before={"weekday": int(day), "hours": _hours_dict(current[day]), "default": is_default},
        after=after, reason=reason,
    )  # fmt: skip
    return True


@transaction.atomic
def weekly_hours_reset(*, office: Office, actor: User, reason: str) -> bool:
    """Go back to the default hours (Perpres 21/2023). Returns False if already on them."""
    require(actor, Capability.MANAGE_CALENDAR, office)
    reason = _check_reason(reason, required=True)
    office = _lock_office(office)
    current, is_default = week_hours_for(office)
    if is_default:
        return False
    WeeklyHours.objects.filter(office=office).delete()
    record(
        actor=actor, office=office, action="weekly_hours.reset", obj=office,
        before={"hours": {str(day): _hours_dict(h) for day, h in enumerate(current)}},
        after={"default": True}, reason=reason,
    )  # fmt: skip
    return True
