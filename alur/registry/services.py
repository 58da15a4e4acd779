"""Every change to the population register: one transaction each, with its audit event.

`actor` None is the system (a channel, demo loading); a person must handle cases in the office.
Numbers:

- NIK = kecamatan code (6) + birth date DDMMYY, day + 40 for women + serial 0001–9999.
- No. KK = region code (6) + issue date DDMMYY + serial 0001–9999.

Each change to a resident also moves them in the coverage rollup (`registry.rollup`): the key
before the change is read first, the one after it once saved, in the same transaction.

The serial is taken under a row lock on the prefix's counter (`NumberCounter`), and a serial
that an existing NIK already holds (a resident registered with the number SIAK gave them) is
skipped: a collision takes the next serial. The counter row is created on first use; two
transactions creating it at once are serialised by its unique constraint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from alur.audit.services import record, snapshot
from alur.core.errors import DomainError
from alur.core.locking import locked_row
from alur.core.validators import is_ascii_digits
from alur.intake.nik import FEMALE_DAY_OFFSET, check_nik
from alur.org.access import Capability, require
from alur.org.choices import RegionLevel
from alur.org.models import Office, Region, User
from alur.registry import rollup
from alur.registry.choices import (
    Citizenship,
    MaritalStatus,
    Relation,
    ResidentStatus,
    Sex,
)
from alur.registry.models import Family, FamilyMember, NumberCounter, Resident

MAX_SERIAL = 9999

MSG_DEAD_ALREADY = (
    "{name} sudah tercatat meninggal pada {day:%d-%m-%Y}; kematian tidak dapat dicatat lagi."
)
MSG_BIRTH_AFTER_APPLICATION = (
    "Tanggal lahir anak ({birth:%d-%m-%Y}) tidak boleh sesudah tanggal permohonan "
    "({applied:%d-%m-%Y})."
)
MSG_SAME_REGENCY = (
    "Tujuan pindah ({destination}) berada di kabupaten/kota yang sama dengan daerah asal; "
    "SKPWNI hanya untuk pindah ke luar kabupaten/kota. Untuk pindah dalam kabupaten/kota, ubah "
    "alamat pada KK."
)

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
FAMILY_FIELDS = [
    "no_kk",
    "head",
    "address",
    "rt",
    "rw",
    "village",
    "district",
    "postal_code",
    "issued_on",
    "changed_on",
    "version",
]


@dataclass
class AddressInput:
    address: str
    district_code: str  # the kecamatan, e.g. "18.72.01"
    rt: str = ""
    rw: str = ""
    village: str = ""
    postal_code: str = ""


@dataclass
class ResidentInput:
    name: str
    sex: str
    birth_place: str
    birth_date: date
    home: AddressInput
    religion: str = ""
    marital_status: str = MaritalStatus.SINGLE
    education: str = ""
    occupation: str = ""
    citizenship: str = Citizenship.WNI
    mother_name: str = ""
    father_name: str = ""
    nik: str = ""  # empty: a new NIK is generated
    extra: dict[str, str] = field(default_factory=dict)


def _staff(actor: User | None, office: Office | int) -> None:
    if actor is not None:
        require(actor, Capability.HANDLE_CASES, office)


def district_of(code: str) -> Region:
    region = Region.objects.filter(code=code.strip(), level=RegionLevel.DISTRICT).first()
    if region is None:
        raise DomainError(f"Kode kecamatan {code!r} tidak dikenal.", code="district")
    return region


def regency_of(code: str) -> str:
    """ "18.72" of a kab/kota or kecamatan code "18.72.01"."""
    return ".".join(code.strip().split(".")[:2])


# --- numbers --------------------------------------------------------------------------------


def _locked_counter(kind: str, prefix: str) -> NumberCounter:
    return locked_row(NumberCounter, kind=kind, prefix=prefix)


def _next_free(kind: str, prefix: str, taken: Iterable[str], what: str) -> str:
    if not connection.in_atomic_block:
        raise RuntimeError("numbers must be taken in the transaction that uses them")
    counter = _locked_counter(kind, prefix)
    used = set(taken)
    serial = counter.last_serial
    while True:
        serial += 1
        if serial > MAX_SERIAL:
            raise DomainError(
                f"Nomor urut {what} untuk {prefix} sudah habis (9999).", code="exhausted"
            )
        number = f"{prefix}{serial:04d}"
        if number not in used:
            break
    counter.last_serial = serial
    counter.save(update_fields=["last_serial"])
    return number


def _digits(code: str) -> str:
    digits = code.replace(".", "")
    if len(digits) != 6 or not is_ascii_digits(digits):
        raise DomainError(f"Kode wilayah {code!r} harus kode kecamatan (6 angka).", code="region")
    return digits


def nik_prefix(kecamatan_code: str, birth_date: date, sex: str) -> str:
    if sex not in Sex.values:
        raise DomainError("Jenis kelamin harus L atau P.", code="sex")
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex == Sex.FEMALE else 0)
    return f"{_digits(kecamatan_code)}{day:02d}{birth_date:%m%y}"


def nik_generate(*, kecamatan_code: str, birth_date: date, sex: str) -> str:
    """A new NIK, unique: the next serial of its prefix that no resident holds."""
    prefix = nik_prefix(kecamatan_code, birth_date, sex)
    taken = Resident.objects.filter(nik__startswith=prefix).values_list("nik", flat=True)
    return _next_free("nik", prefix, taken, "NIK")


def no_kk_generate(*, region_code: str, issued_on: date) -> str:
    """A new No. KK for a family of kecamatan `region_code` issued on `issued_on`."""
    prefix = f"{_digits(region_code)}{issued_on:%d%m%y}"
    taken = Family.objects.filter(no_kk__startswith=prefix).values_list("no_kk", flat=True)
    return _next_free("kk", prefix, taken, "No. KK")


# --- residents ------------------------------------------------------------------------------


def _clean_resident(data: ResidentInput, today: date) -> None:
    if not data.name.strip():
        raise DomainError("Nama lengkap wajib diisi.", code="name")
    if data.sex not in Sex.values:
        raise DomainError("Pilih jenis kelamin.", code="sex")
    if not data.birth_place.strip():
        raise DomainError("Tempat lahir wajib diisi.", code="birth_place")
    if data.birth_date > today:
        raise DomainError("Tanggal lahir tidak boleh di masa depan.", code="birth_date")
    if not data.home.address.strip():
        raise DomainError("Alamat wajib diisi.", code="address")


def _apply_resident(resident: Resident, data: ResidentInput) -> None:
    resident.name = " ".join(data.name.split()).upper()
    resident.sex = data.sex
    resident.birth_place = data.birth_place.strip().upper()
    resident.birth_date = data.birth_date
    resident.religion = data.religion
    resident.marital_status = data.marital_status or MaritalStatus.SINGLE
    resident.education = data.education
    resident.occupation = data.occupation.strip()
    resident.citizenship = data.citizenship or Citizenship.WNI
    resident.mother_name = " ".join(data.mother_name.split()).upper()
    resident.father_name = " ".join(data.father_name.split()).upper()
    _apply_address(resident, data.home)


def _apply_address(row: Resident | Family, home: AddressInput) -> None:
    row.address = home.address.strip()
    row.rt, row.rw = home.rt.strip(), home.rw.strip()
    row.village = home.village.strip().upper()
    row.district = district_of(home.district_code)
    row.postal_code = home.postal_code.strip()


@transaction.atomic
def resident_register(
    *, office: Office, data: ResidentInput, actor: User | None, today: date | None = None
) -> tuple[Resident, list[str]]:
    """Register a resident; with no NIK given a new one is generated in the same transaction.
    Returns the resident and the warnings of a given NIK (birth date or sex differing)."""
    _staff(actor, office)
    today = today or timezone.localdate()
    _clean_resident(data, today)
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
            kecamatan_code=data.home.district_code, birth_date=data.birth_date, sex=data.sex
        )
    now = timezone.now()
    resident = Resident(nik=nik, office=office, registered_at=now, updated_at=now)
    resident.registered_by = actor
    _apply_resident(resident, data)
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
    _staff(actor, resident.office_id)
    _clean_resident(data, timezone.localdate())
    before = snapshot(resident, RESIDENT_FIELDS)
    counted = rollup.tracked(resident)
    _apply_resident(resident, data)
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
    _staff(actor, resident.office_id)
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


# --- families -------------------------------------------------------------------------------


def current_members(family: Family) -> list[FamilyMember]:
    return list(
        family.members.filter(until__isnull=True).select_related("resident").order_by("since", "pk")
    )


def _current_family(resident: Resident) -> FamilyMember | None:
    return (
        FamilyMember.objects.filter(resident=resident, until__isnull=True)
        .select_related("family")
        .first()
    )


def _check_joinable(resident: Resident, family: Family | None) -> None:
    if resident.status != ResidentStatus.ALIVE:
        raise DomainError(
            f"{resident.name} tercatat {resident.get_status_display().lower()}; tidak dapat "
            "menjadi anggota KK.",
            code="not_alive",
        )
    current = _current_family(resident)
    if current is not None and (family is None or current.family_id != family.pk):
        raise DomainError(
            f"{resident.name} ({resident.nik}) masih tercatat dalam KK {current.family.no_kk}; "
            "keluarkan dahulu dari KK tersebut.",
            code="other_family",
        )
    if current is not None:
        raise DomainError(
            f"{resident.name} ({resident.nik}) sudah tercatat dalam KK ini.", code="member_twice"
        )


def _bump(family: Family, on: date) -> None:
    family.version += 1
    family.changed_on = on
    family.save(update_fields=["version", "changed_on"])


@transaction.atomic
def family_create(
    *,
    office: Office,
    head: Resident,
    home: AddressInput,
    members: list[tuple[Resident, str]] = (),  # type: ignore[assignment]
    actor: User | None,
    issued_on: date | None = None,
) -> Family:
    """A new KK with `head` and `members` (resident, relation); each must be alive and in no
    other KK, and nobody may be listed twice."""
    _staff(actor, office)
    issued_on = issued_on or timezone.localdate()
    if not home.address.strip():
        raise DomainError("Alamat KK wajib diisi.", code="address")
    seen: set[int] = {head.pk}
    for resident, relation in members:
        if resident.pk in seen:
            raise DomainError(
                f"{resident.name} ({resident.nik}) tercantum dua kali dalam daftar anggota KK.",
                code="member_twice",
            )
        if relation not in Relation.values or relation == Relation.HEAD:
            raise DomainError(f"Hubungan keluarga {resident.name} tidak sah.", code="relation")
        seen.add(resident.pk)
    locked = {r.pk: r for r in Resident.objects.select_for_update().filter(pk__in=seen)}
    for pk in seen:
        _check_joinable(locked[pk], None)
    family = Family(
        office=office,
        no_kk=no_kk_generate(region_code=home.district_code, issued_on=issued_on),
        head=locked[head.pk],
        issued_on=issued_on,
        created_by=actor,
    )
    _apply_address(family, home)
    family.save()
    rows = [
        FamilyMember(
            family=family, resident=locked[head.pk], relation=Relation.HEAD, since=issued_on
        )
    ]
    rows += [
        FamilyMember(family=family, resident=locked[r.pk], relation=rel, since=issued_on)
        for r, rel in members
    ]
    FamilyMember.objects.bulk_create(rows)
    record(
        actor=actor,
        office=office,
        action="registry.family_create",
        obj=family,
        after=snapshot(family, FAMILY_FIELDS)
        | {"members": [[row.resident.nik, row.relation] for row in rows]},
    )
    return family


@transaction.atomic
def family_member_add(
    *,
    family: Family,
    resident: Resident,
    relation: str,
    actor: User | None,
    on: date | None = None,
) -> FamilyMember:
    family = Family.objects.select_for_update().get(pk=family.pk)
    _staff(actor, family.office_id)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if relation not in Relation.values or relation == Relation.HEAD:
        raise DomainError(f"Hubungan keluarga {resident.name} tidak sah.", code="relation")
    _check_joinable(resident, family)
    on = on or timezone.localdate()
    member = FamilyMember.objects.create(
        family=family, resident=resident, relation=relation, since=on
    )
    _bump(family, on)
    record(
        actor=actor,
        office=family.office,
        action="registry.family_member_add",
        obj=family,
        after={"nik": resident.nik, "relation": relation, "version": family.version},
    )
    return member


def _end_membership(resident: Resident, on: date, reason: str) -> Family | None:
    member = (
        FamilyMember.objects.select_for_update()
        .filter(resident=resident, until__isnull=True)
        .first()
    )
    if member is None:
        return None
    member.until = max(on, member.since)
    member.end_reason = reason
    member.save(update_fields=["until", "end_reason"])
    family = Family.objects.select_for_update().get(pk=member.family_id)
    _bump(family, on)
    return family


@transaction.atomic
def family_member_remove(
    *, family: Family, resident: Resident, actor: User | None, reason: str, on: date | None = None
) -> Family:
    family = Family.objects.select_for_update().get(pk=family.pk)
    _staff(actor, family.office_id)
    if not reason.strip():
        raise DomainError("Tuliskan alasan anggota dikeluarkan dari KK.", code="reason")
    member = family.members.filter(resident=resident, until__isnull=True).first()
    if member is None:
        raise DomainError(f"{resident.name} bukan anggota KK {family.no_kk}.", code="not_member")
    if member.relation == Relation.HEAD and len(current_members(family)) > 1:
        raise DomainError(
            "Kepala keluarga tidak dapat dikeluarkan selama masih ada anggota lain; buat KK "
            "baru dengan kepala keluarga pengganti.",
            code="head",
        )
    on = on or timezone.localdate()
    updated = _end_membership(resident, on, reason.strip())
    assert updated is not None  # noqa: S101 - the membership was found above
    record(
        actor=actor,
        office=family.office,
        action="registry.family_member_remove",
        obj=updated,
        after={"nik": resident.nik, "version": updated.version},
        reason=reason.strip(),
    )
    return updated


# --- life events ----------------------------------------------------------------------------


@transaction.atomic
def death_record(
    *, resident: Resident, died_on: date, actor: User | None, cause: Model | None = None
) -> Resident:
    """Record a death: the resident's status, and the end of their KK membership (the family's
    version goes up: the "3 in 1" updated KK)."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    _staff(actor, resident.office_id)
    if resident.status == ResidentStatus.DEAD:
        raise DomainError(
            MSG_DEAD_ALREADY.format(name=resident.name, day=resident.died_on), code="dead"
        )
    if died_on > timezone.localdate():
        raise DomainError("Tanggal meninggal tidak boleh di masa depan.", code="died_on")
    if died_on < resident.birth_date:
        raise DomainError("Tanggal meninggal tidak boleh sebelum tanggal lahir.", code="died_on")
    before = snapshot(resident, RESIDENT_FIELDS)
    counted = rollup.tracked(resident)
    resident.status, resident.died_on, resident.updated_at = (
        ResidentStatus.DEAD,
        died_on,
        timezone.now(),
    )
    resident.save(update_fields=["status", "died_on", "updated_at"])
    rollup.move(counted, rollup.tracked(resident))
    family = _end_membership(resident, died_on, "Meninggal dunia")
    record(
        actor=actor,
        office=resident.office,
        action="registry.death_record",
        obj=resident,
        before=before,
        after=snapshot(resident, RESIDENT_FIELDS)
        | {"family": family.no_kk if family else None, "cause": str(cause or "")},
    )
    return resident


@transaction.atomic
def move_out(
    *,
    residents: list[Resident],
    destination_code: str,
    destination_address: str,
    moved_on: date,
    actor: User | None,
) -> list[Resident]:
    """Mark the movers of an SKPWNI as moved out of the regency; their memberships end."""
    if not residents:
        raise DomainError("Pilih penduduk yang pindah.", code="movers")
    destination = Region.objects.filter(code=destination_code.strip()).first()
    if destination is None or destination.level == RegionLevel.PROVINCE:
        raise DomainError(
            f"Kode wilayah tujuan {destination_code!r} tidak dikenal; isi kode kabupaten/kota "
            "atau kecamatan tujuan.",
            code="destination",
        )
    if not destination_address.strip():
        raise DomainError("Alamat tujuan pindah wajib diisi.", code="destination_address")
    if len({r.pk for r in residents}) != len(residents):
        raise DomainError("Seorang penduduk tercantum dua kali dalam daftar pindah.", code="twice")
    locked = list(
        Resident.objects.select_for_update()
        .filter(pk__in=[r.pk for r in residents])
        .select_related("district")
        .order_by("pk")
    )
    moved = []
    for resident in locked:
        _staff(actor, resident.office_id)
        if resident.status != ResidentStatus.ALIVE:
            raise DomainError(
                f"{resident.name} tercatat {resident.get_status_display().lower()}; tidak dapat "
                "pindah.",
                code="not_alive",
            )
        if regency_of(destination.code) == regency_of(resident.district_id):
            raise DomainError(
                MSG_SAME_REGENCY.format(destination=f"{destination.code} {destination.name}"),
                code="same_regency",
            )
        counted = rollup.tracked(resident)
        resident.status, resident.moved_out_on = ResidentStatus.MOVED_OUT, moved_on
        resident.moved_to = f"{destination.code} {destination.name}; {destination_address.strip()}"
        resident.updated_at = timezone.now()
        resident.save(update_fields=["status", "moved_out_on", "moved_to", "updated_at"])
        rollup.move(counted, None)
        family = _end_membership(resident, moved_on, "Pindah keluar (SKPWNI)")
        record(
            actor=actor,
            office=resident.office,
            action="registry.move_out",
            obj=resident,
            after={
                "status": resident.status,
                "moved_to": resident.moved_to,
                "moved_out_on": moved_on,
                "family": family.no_kk if family else None,
            },
        )
        moved.append(resident)
    return moved


@transaction.atomic
def birth_register(
    *,
    office: Office,
    family: Family,
    child: ResidentInput,
    applied_on: date,
    actor: User | None,
) -> Resident:
    """Register a newborn (a new NIK) and add them to their family's KK as a child."""
    if child.birth_date > applied_on:
        raise DomainError(
            MSG_BIRTH_AFTER_APPLICATION.format(birth=child.birth_date, applied=applied_on),
            code="birth_date",
        )
    resident, _warnings = resident_register(office=office, data=child, actor=actor)
    family_member_add(
        family=family, resident=resident, relation=Relation.CHILD, actor=actor, on=applied_on
    )
    return resident


# --- documents issued (the coverage numerators) --------------------------------------------


def _document_issued(
    *, resident: Resident, actor: User | None, field_name: str, value: object, action: str
) -> Resident:
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    _staff(actor, resident.office_id)
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


# --- corrections ----------------------------------------------------------------------------

EVENT_REASONS = {
    ResidentStatus.DEAD: "Meninggal dunia",
    ResidentStatus.MOVED_OUT: "Pindah keluar (SKPWNI)",
}


@transaction.atomic
def life_event_revert(*, resident: Resident, actor: User | None, reason: str) -> Resident:
    """Undo a death or a move-out entered in error (the operator corrects the entry before the
    document is signed): the resident is alive again and the KK membership that the event ended
    is open again (the family's version goes up)."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    _staff(actor, resident.office_id)
    if resident.status not in EVENT_REASONS:
        raise DomainError(f"{resident.name} tidak tercatat meninggal atau pindah.", code="alive")
    if not reason.strip():
        raise DomainError("Tuliskan alasan koreksi.", code="reason")
    before = snapshot(resident, RESIDENT_FIELDS)
    ended_on = resident.died_on or resident.moved_out_on
    member = (
        FamilyMember.objects.select_for_update()
        .filter(resident=resident, until__gte=ended_on, end_reason=EVENT_REASONS[resident.status])
        .order_by("-until", "-pk")
        .first()
    )
    counted = rollup.tracked(resident)
    voided = resident.death_certificate_no  # the akta of a death entered in error
    resident.status, resident.died_on = ResidentStatus.ALIVE, None
    resident.moved_out_on, resident.moved_to = None, ""
    resident.death_certificate_no = ""
    resident.updated_at = timezone.now()
    resident.save(
        update_fields=[
            "status",
            "died_on",
            "moved_out_on",
            "moved_to",
            "death_certificate_no",
            "updated_at",
        ]
    )
    rollup.move(counted, rollup.tracked(resident))
    family = None
    if member is not None and _current_family(resident) is None:
        member.until, member.end_reason = None, ""
        member.save(update_fields=["until", "end_reason"])
        family = Family.objects.select_for_update().get(pk=member.family_id)
        _bump(family, timezone.localdate())
    record(
        actor=actor,
        office=resident.office,
        action="registry.life_event_revert",
        obj=resident,
        before=before,
        after=snapshot(resident, RESIDENT_FIELDS)
        | {"family": family.no_kk if family else None}
        | ({"death_certificate_voided": voided} if voided else {}),
        reason=reason.strip(),
    )
    return resident


@transaction.atomic
def family_revise(
    *,
    family: Family,
    head: Resident,
    home: AddressInput,
    members: list[tuple[Resident, str]],
    actor: User | None,
    reason: str,
    on: date | None = None,
) -> Family:
    """Change a KK to the given composition in one new version: members not listed leave (with
    `reason`), new ones join, relations and the address are updated. The head stays: a new head
    means a new KK."""
    family = Family.objects.select_for_update().get(pk=family.pk)
    _staff(actor, family.office_id)
    on = on or timezone.localdate()
    if head.pk != family.head_id:
        raise DomainError(
            f"Kepala keluarga KK {family.no_kk} tidak dapat diganti dengan perubahan; buat KK "
            "baru dengan kepala keluarga pengganti.",
            code="head",
        )
    if not home.address.strip():
        raise DomainError("Alamat KK wajib diisi.", code="address")
    wanted: dict[int, str] = {}
    for resident, relation in members:
        if resident.pk in wanted or resident.pk == head.pk:
            raise DomainError(
                f"{resident.name} ({resident.nik}) tercantum dua kali dalam daftar anggota KK.",
                code="member_twice",
            )
        if relation not in Relation.values or relation == Relation.HEAD:
            raise DomainError(f"Hubungan keluarga {resident.name} tidak sah.", code="relation")
        wanted[resident.pk] = relation
    before = snapshot(family, FAMILY_FIELDS) | {
        "members": [[m.resident.nik, m.relation] for m in current_members(family)]
    }
    current = {m.resident_id: m for m in current_members(family) if m.relation != Relation.HEAD}
    for pk, member in current.items():
        if pk not in wanted:
            member.until, member.end_reason = max(on, member.since), reason.strip()
            member.save(update_fields=["until", "end_reason"])
        elif member.relation != wanted[pk]:
            member.relation = wanted[pk]
            member.save(update_fields=["relation"])
    joining = [pk for pk in wanted if pk not in current]
    for resident in Resident.objects.select_for_update().filter(pk__in=joining).order_by("pk"):
        _check_joinable(resident, None)
        FamilyMember.objects.create(
            family=family, resident=resident, relation=wanted[resident.pk], since=on
        )
    _apply_address(family, home)
    family.save()
    _bump(family, on)
    record(
        actor=actor,
        office=family.office,
        action="registry.family_revise",
        obj=family,
        before=before,
        after=snapshot(family, FAMILY_FIELDS)
        | {"members": [[m.resident.nik, m.relation] for m in current_members(family)]},
        reason=reason.strip(),
    )
    return family
