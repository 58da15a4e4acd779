"""Changes to offices, units, positions, appointments and people. Each writes its audit event."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from alur.audit.services import record, snapshot
from alur.org import regions
from alur.org.access import forget
from alur.org.choices import AppointmentKind, OfficeLevel, PositionKind, RegionLevel, UnitKind
from alur.org.models import Appointment, Office, Position, Region, Unit, User

NATIONAL_CODE = "00"

OFFICE_FIELDS = [
    "code",
    "name",
    "short_name",
    "level",
    "parent",
    "timezone",
    "address",
    "city",
    "postal_code",
    "phone",
    "email",
    "website",
    "kop_government",
    "kop_agency",
    "is_active",
    "acting_may_review_twice",
]


def _region_or_error(code: str) -> Region:
    try:
        regions.level_of(code)
    except ValueError as exc:
        raise ValidationError(
            f"Kode wilayah '{code}' tidak valid: gunakan format 18 (provinsi) atau 18.08 "
            "(kabupaten/kota).",
            code="region_format",
        ) from exc
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError(
            f"Kode wilayah '{code}' tidak dikenal dalam Kepmendagri 300.2.2-2138/2025.",
            code="region_unknown",
        )
    if region.level == RegionLevel.DISTRICT:
        raise ValidationError(
            f"Kode wilayah '{code}' adalah kecamatan; kantor Dinas ada di provinsi atau "
            "kabupaten/kota.",
            code="region_level",
        )
    return region


def _default_names(region: Region) -> dict[str, str]:
    if region.level == RegionLevel.PROVINCE:
        place = f"Provinsi {region.name}"
        government = f"PEMERINTAH PROVINSI {region.name.upper()}"
        short = f"Disdukcapil Prov. {region.name}"
    else:
        place = region.name  # "Kabupaten Way Kanan" / "Kota Metro"
        government = f"PEMERINTAH {region.name.upper()}"
        short = "Disdukcapil " + place.replace("Kabupaten ", "Kab. ")
    return {
        "name": f"Dinas Kependudukan dan Pencatatan Sipil {place}",
        "short_name": short,
        "kop_government": government,
        "kop_agency": "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
    }


@transaction.atomic
def office_create(*, code: str, actor: User | None = None, **details: Any) -> Office:
    """Create the office of a region (or the national office, code '00').

    The level, parent office and time zone follow from the region code; names default from the
    region's name and can be given in `details`.
    """
    code = code.strip()
    if Office.objects.filter(code=code).exists():
        raise ValidationError(f"Kantor dengan kode {code} sudah ada.", code="office_exists")
    if code == NATIONAL_CODE:
        defaults: dict[str, Any] = {
            "region": None,
            "level": OfficeLevel.NATIONAL,
            "parent": None,
            "name": "Direktorat Jenderal Kependudukan dan Pencatatan Sipil",
            "short_name": "Ditjen Dukcapil",
            "kop_government": "KEMENTERIAN DALAM NEGERI REPUBLIK INDONESIA",
            "kop_agency": "DIREKTORAT JENDERAL KEPENDUDUKAN DAN PENCATATAN SIPIL",
        }
    else:
        region = _region_or_error(code)
        parent_code = regions.parent_code(code) or NATIONAL_CODE
        defaults = {
            "region": region,
            "level": OfficeLevel.PROVINCE
            if region.level == RegionLevel.PROVINCE
            else OfficeLevel.REGENCY,
            "parent": Office.objects.filter(code=parent_code).first(),
            **_default_names(region),
        }
    defaults["timezone"] = regions.timezone_for(code)
    defaults.update({k: v for k, v in details.items() if v is not None})
    office = Office(code=code, **defaults)
    office.full_clean()
    office.save()
    # Offices created before their parent (or before the national office) are linked now.
    orphans = Office.objects.filter(parent__isnull=True).exclude(pk=office.pk)
    if code == NATIONAL_CODE:
        orphans = orphans.filter(level=OfficeLevel.PROVINCE)
    elif office.level == OfficeLevel.PROVINCE:
        orphans = orphans.filter(level=OfficeLevel.REGENCY, code__startswith=f"{code}.")
    else:
        orphans = orphans.none()
    for child in orphans:
        child.parent = office
        child.save(update_fields=["parent"])
        record(
            actor=actor,
            office=child,
            action="office.update",
            obj=child,
            before={"parent": None},
            after={"parent": office.pk},
        )
    record(
        actor=actor,
        office=office,
        action="office.create",
        obj=office,
        after=snapshot(office, OFFICE_FIELDS),
    )
    return office


@transaction.atomic
def office_update(
    *, office: Office, actor: User | None, reason: str = "", **changes: Any
) -> Office:
    editable = set(OFFICE_FIELDS) - {"code", "level", "parent", "timezone"}
    unknown = set(changes) - editable
    if unknown:
        raise ValueError(f"fields not editable: {sorted(unknown)}")
    before = snapshot(office, list(changes))
    for name, value in changes.items():
        setattr(office, name, value)
    office.full_clean()
    office.save(update_fields=list(changes))
    record(
        actor=actor,
        office=office,
        action="office.update",
        obj=office,
        before=before,
        after=snapshot(office, list(changes)),
        reason=reason,
    )
    return office


@transaction.atomic
def unit_create(
    *,
    office: Office,
    name: str,
    kind: str = UnitKind.SEKSI,
    parent: Unit | None = None,
    actor: User | None = None,
) -> Unit:
    if parent is not None and parent.office_id != office.pk:
        raise ValidationError("Unit induk harus berada di kantor yang sama.", code="unit_parent")
    unit = Unit(office=office, name=name, kind=kind, parent=parent)
    unit.full_clean()
    unit.save()
    record(
        actor=actor,
        office=office,
        action="unit.create",
        obj=unit,
        after=snapshot(unit, ["name", "kind", "parent"]),
    )
    return unit


@transaction.atomic
def position_create(
    *,
    office: Office,
    kind: str,
    title: str,
    unit: Unit | None = None,
    superior: Position | None = None,
    actor: User | None = None,
) -> Position:
    if kind not in PositionKind.values:
        raise ValidationError(f"Jenis jabatan '{kind}' tidak dikenal.", code="position_kind")
    if unit is not None and unit.office_id != office.pk:
        raise ValidationError(
            "Unit jabatan harus berada di kantor yang sama.", code="position_unit"
        )
    position = Position(office=office, kind=kind, title=title, unit=unit, superior=superior)
    position.full_clean()
    position.save()
    record(
        actor=actor,
        office=office,
        action="position.create",
        obj=position,
        after=snapshot(position, ["kind", "title", "unit", "superior"]),
    )
    return position


def _check_period(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(
            {
                "ends_on": (
                    f"Tanggal selesai ({ends_on:%d-%m-%Y}) tidak boleh sebelum tanggal mulai "
                    f"({starts_on:%d-%m-%Y})."
                )
            },
            code="appointment_period",
        )


@transaction.atomic
def appointment_create(
    *,
    user: User,
    position: Position,
    starts_on: date,
    ends_on: date | None = None,
    kind: str = AppointmentKind.DEFINITIVE,
    decree: str = "",
    actor: User | None = None,
) -> Appointment:
    """Appoint `user` to `position`: definitive, or acting (Plt./Plh.) for a period."""
    _check_period(starts_on, ends_on)
    if kind == AppointmentKind.DEFINITIVE:
        overlapping = (
            Appointment.objects.select_for_update()
            .filter(position=position, kind=AppointmentKind.DEFINITIVE)
            .exclude(ends_on__lt=starts_on)
        )
        if ends_on is not None:
            overlapping = overlapping.exclude(starts_on__gt=ends_on)
        holder = overlapping.select_related("user").first()
        if holder is not None:
            raise ValidationError(
                f"Jabatan {position.title} masih dijabat definitif oleh {holder.user} "
                f"sejak {holder.starts_on:%d-%m-%Y}; akhiri penugasan itu lebih dulu.",
                code="appointment_overlap",
            )
    appointment = Appointment(
        user=user,
        position=position,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        decree=decree,
    )
    appointment.full_clean()
    appointment.save()
    forget(user)
    record(
        actor=actor,
        office=position.office,
        action="appointment.create",
        obj=appointment,
        after=snapshot(appointment, ["user", "position", "kind", "starts_on", "ends_on", "decree"]),
    )
    return appointment


@transaction.atomic
def appointment_end(
    *, appointment: Appointment, ends_on: date, actor: User | None, reason: str = ""
) -> Appointment:
    _check_period(appointment.starts_on, ends_on)
    before = snapshot(appointment, ["ends_on"])
    appointment.ends_on = ends_on
    appointment.save(update_fields=["ends_on"])
    forget(appointment.user)
    record(
        actor=actor,
        office=appointment.position.office,
        action="appointment.end",
        obj=appointment,
        before=before,
        after=snapshot(appointment, ["ends_on"]),
        reason=reason,
    )
    return appointment


@transaction.atomic
def user_create(
    *,
    username: str,
    full_name: str,
    password: str,
    nip: str = "",
    phone: str = "",
    email: str = "",
    actor: User | None = None,
    office: Office | None = None,
) -> User:
    """Create a person's account; the password must pass the strong-password rules."""
    if nip and (not nip.isdigit() or len(nip) != 18):
        raise ValidationError({"nip": "NIP terdiri atas 18 angka."}, code="nip")
    user = User(username=username, full_name=full_name, nip=nip, phone=phone, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    record(
        actor=actor,
        office=office,
        action="user.create",
        obj=user,
        after={"username": username, "full_name": full_name, "nip": nip},
    )
    return user
