"""Registering and correcting a resident, their KTP-el biometrics, and the documents issued to
them (the coverage numerators)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from alur.audit.services import record, snapshot
from alur.core.errors import DomainError
from alur.intake.nik import check_nik
from alur.org.access import Capability, require
from alur.org.models import Office, User
from alur.registry import rollup
from alur.registry.choices import ResidentStatus
from alur.registry.inputs import ResidentInput, apply_resident, clean_resident
from alur.registry.models import Resident
from alur.registry.numbers import nik_generate

RESIDENT_FIELDS = [
    "nik",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "religion",
    "marital_status",
    "education",
    "occupation",
    "citizenship",
    "mother_name",
    "father_name",
    "address",
    "rt",
    "rw",
    "village",
    "district",
    "postal_code",
    "status",
    "died_on",
    "moved_out_on",
    "moved_to",
]


def require_staff(actor: User | None, office: Office | int) -> None:
    if actor is not None:
        require(actor, Capability.HANDLE_CASES, office)


@transaction.atomic
def resident_register(
    *, office: Office, data: ResidentInput, actor: User | None, today: date | None = None
) -> tuple[Resident, list[str]]:
    """Register a resident; with no NIK given a new one is generated in the same transaction.
    Returns the resident and the warnings of a given NIK (birth date or sex differing)."""
    require_staff(actor, office)
    today = today or timezone.localdate()
    clean_resident(data, today)
    warnings: list[str] = []
    if data.nik.strip():
        check = check_nik(data.nik, birth_date=data.birth_date, sex=data.sex, today=today)
        if not check.is_valid:
            raise DomainError(" ".join(check.errors), code="nik")
        nik = check.value
        existing = Resident.objects.filter(nik=nik).first()
        if existing is not None:
            raise DomainError(
                f"NIK {nik} sudah terdaftar atas nama {existing.name}.", code="nik_taken"
            )
        warnings = check.warnings
    else:
        nik = nik_generate(
            kecamatan_code=data.home.district_code,
            birth_date=data.birth_date,
            sex=data.sex,
            office=office,
        )
    now = timezone.now()
    resident = Resident(nik=nik, office=office, registered_at=now, updated_at=now)
    resident.registered_by = actor
    apply_resident(resident, data)
    resident.save()
    rollup.move(None, rollup.tracked(resident))
    record(
        actor=actor,
        office=office,
        action="registry.resident_register",
        obj=resident,
        after=snapshot(resident, RESIDENT_FIELDS),
        reason="; ".join(warnings),
    )
    return resident, warnings


@transaction.atomic
def resident_update(
    *, resident: Resident, data: ResidentInput, actor: User | None, reason: str = ""
) -> Resident:
    """Correct a resident's data. The NIK stays (a corrected birth date or sex keeps it)."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    require_staff(actor, resident.office_id)
    clean_resident(data, timezone.localdate())
    before = snapshot(resident, RESIDENT_FIELDS)
    counted = rollup.tracked(resident)
    apply_resident(resident, data)
    after = snapshot(resident, RESIDENT_FIELDS)
    if after != before:
        resident.updated_at = timezone.now()
        resident.save()
        rollup.move(counted, rollup.tracked(resident))
        record(
            actor=actor,
            office=resident.office,
            action="registry.resident_update",
            obj=resident,
            before=before,
            after=after,
            reason=reason,
        )
    return resident


@transaction.atomic
def biometrics_record(*, resident: Resident, actor: User | None) -> Resident:
    """The KTP-el biometrics (photo, fingerprints, iris, signature) of `resident` are recorded."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    require_staff(actor, resident.office_id)
    if resident.status != ResidentStatus.ALIVE:
        raise DomainError(f"{resident.name} tidak lagi tercatat sebagai penduduk aktif.")
    counted = rollup.tracked(resident)
    resident.biometrics_recorded_at = timezone.now()
    resident.save(update_fields=["biometrics_recorded_at"])
    rollup.move(counted, rollup.tracked(resident))
    record(
        actor=actor,
        office=resident.office,
        action="registry.biometrics_record",
        obj=resident,
        after={"biometrics_recorded_at": resident.biometrics_recorded_at},
    )
    return resident


# --- documents issued (the coverage numerators) --------------------------------------------


def _document_issued(
    *, resident: Resident, actor: User | None, field_name: str, value: object, action: str
) -> Resident:
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    require_staff(actor, resident.office_id)
    counted = rollup.tracked(resident)
    setattr(resident, field_name, value)
    resident.updated_at = timezone.now()
    resident.save(update_fields=[field_name, "updated_at"])
    rollup.move(counted, rollup.tracked(resident))
    record(
        actor=actor, office=resident.office, action=action, obj=resident, after={field_name: value}
    )
    return resident


def _register_number(number: str, what: str) -> str:
    if not number.strip():
        raise DomainError(f"Nomor {what} wajib diisi.", code="number")
    return number.strip()


@transaction.atomic
def birth_certificate_record(*, resident: Resident, number: str, actor: User | None) -> Resident:
    """The resident's akta kelahiran was issued (signed) with register number `number`."""
    return _document_issued(
        resident=resident,
        actor=actor,
        field_name="birth_certificate_no",
        value=_register_number(number, "akta kelahiran"),
        action="registry.birth_certificate_record",
    )


@transaction.atomic
def death_certificate_record(*, resident: Resident, number: str, actor: User | None) -> Resident:
    """The akta kematian of `resident`, whose death is recorded, was issued as `number`."""
    number = _register_number(number, "akta kematian")
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.status != ResidentStatus.DEAD:
        raise DomainError(
            f"Kematian {resident.name} belum tercatat; akta kematian tidak dapat dicatat.",
            code="not_dead",
        )
    return _document_issued(
        resident=resident,
        actor=actor,
        field_name="death_certificate_no",
        value=number,
        action="registry.death_certificate_record",
    )


@transaction.atomic
def kia_record(*, resident: Resident, actor: User | None) -> Resident:
    """The resident's KIA (Kartu Identitas Anak) was printed."""
    return _document_issued(
        resident=resident,
        actor=actor,
        field_name="kia_issued_at",
        value=timezone.now(),
        action="registry.kia_record",
    )
