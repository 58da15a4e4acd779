"""The document services of S2a–S2f: their outputs and their data entry on the registry.

Each enter function reads the step's data (a form's cleaned data, or the same keys from a
channel), changes the registry through `alur.registry.services` and keeps the draft of each
output. S3 (Dukcapil Siaga) registers its own service from `alur.outreach`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from alur.core.errors import ConflictError, DomainError
from alur.documents.choices import OutputKind
from alur.documents.definitions import EnterRequest, register_document_service
from alur.documents.forms import BirthForm, DeathForm, FamilyForm, MoveOutForm
from alur.documents.services import case_documents, draft_ensure
from alur.registry import services as registry
from alur.registry.models import Family, Resident
from alur.registry.services import AddressInput, ResidentInput


def text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


def day(data: dict[str, Any], key: str, label: str) -> date:
    value = data.get(key)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        raise DomainError(f"{label} wajib diisi dengan tanggal yang sah.", code=key) from None


def address_of(data: dict[str, Any]) -> AddressInput:
    return AddressInput(
        address=text(data, "address"),
        district_code=text(data, "district_code"),
        rt=text(data, "rt"),
        rw=text(data, "rw"),
        village=text(data, "village"),
        postal_code=text(data, "postal_code"),
    )


def person_of(data: dict[str, Any], home: AddressInput) -> ResidentInput:
    return ResidentInput(
        name=text(data, "name"),
        sex=text(data, "sex"),
        birth_place=text(data, "birth_place"),
        birth_date=day(data, "birth_date", "Tanggal lahir"),
        home=home,
        religion=text(data, "religion"),
        marital_status=text(data, "marital_status") or "belum_kawin",
        education=text(data, "education"),
        occupation=text(data, "occupation"),
        mother_name=text(data, "mother_name"),
        father_name=text(data, "father_name"),
        nik=text(data, "nik"),
    )


def resident_by_nik(request: EnterRequest, nik: str) -> Resident:
    resident = Resident.objects.filter(nik=nik.strip(), office=request.case.office).first()
    if resident is None:
        raise DomainError(f"NIK {nik} tidak terdaftar di {request.case.office}.", code="nik")
    return resident


def _once(request: EnterRequest, kind: str) -> None:
    for document in case_documents(request.case):
        if document.kind == kind and (document.family_id or document.resident_id):
            raise ConflictError(
                f"Data {document.get_kind_display()} perkara ini sudah dicatat di registrasi "
                "penduduk; perbaikan dilakukan dengan layanan perubahan data."
            )


# --- S2a KK baru ----------------------------------------------------------------------------


def enter_family(request: EnterRequest) -> None:
    _once(request, OutputKind.KK)
    data = request.data
    head = resident_by_nik(request, text(data, "head_nik"))
    members: list[tuple[Resident, str]] = []
    for line in text(data, "members").splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2:
            raise DomainError(f"Baris anggota {line!r}: tulis NIK lalu hubungan.", code="members")
        members.append((resident_by_nik(request, parts[0]), parts[1].lower()))
    family = registry.family_create(
        office=request.case.office,
        head=head,
        home=address_of(data),
        members=members,
        actor=request.actor,
    )
    draft_ensure(
        case=request.case, kind=OutputKind.KK, actor=request.actor, family=family, resident=head
    )


# --- S2b SKPWNI -----------------------------------------------------------------------------


def enter_move(request: EnterRequest) -> None:
    _once(request, OutputKind.SKPWNI)
    data = request.data
    movers = [resident_by_nik(request, nik) for nik in text(data, "niks").split()]
    moved_on = day(data, "moved_on", "Tanggal pindah")
    reason = text(data, "reason")
    if not reason:
        raise DomainError("Alasan pindah wajib diisi.", code="reason")
    moved = registry.move_out(
        residents=movers,
        destination_code=text(data, "destination_code"),
        destination_address=text(data, "destination_address"),
        moved_on=moved_on,
        actor=request.actor,
    )
    first = moved[0]
    rows = [
        ["NIK pemohon", first.nik],
        ["Nama lengkap", first.name],
        ["Alamat asal", f"{first.address} RT/RW {first.rt_rw}, {first.village}"],
        ["Alamat tujuan", first.moved_to],
        ["Alasan pindah", reason],
        ["Tanggal pindah", f"{moved_on:%d-%m-%Y}"],
        ["Yang pindah", "; ".join(f"{r.nik} {r.name}" for r in moved)],
    ]
    draft_ensure(
        case=request.case,
        kind=OutputKind.SKPWNI,
        actor=request.actor,
        resident=first,
        data={"rows": rows, "movers": [r.nik for r in moved]},
    )


# --- S2e akta kelahiran ---------------------------------------------------------------------


def enter_birth(request: EnterRequest) -> None:
    _once(request, OutputKind.AKTA_KELAHIRAN)
    data = request.data
    family = Family.objects.filter(no_kk=text(data, "no_kk"), office=request.case.office).first()
    if family is None:
        raise DomainError(f"No. KK {text(data, 'no_kk')} tidak terdaftar.", code="no_kk")
    home = AddressInput(
        address=family.address,
        district_code=family.district_id,
        rt=family.rt,
        rw=family.rw,
        village=family.village,
        postal_code=family.postal_code,
    )
    child = person_of(data, home)
    child.nik = ""
    for key in ("witness_1", "witness_2"):
        if not text(data, key):
            raise DomainError("Nama dua orang saksi wajib diisi.", code=key)
    resident = registry.birth_register(
        office=request.case.office,
        family=family,
        child=child,
        applied_on=day(data, "applied_on", "Tanggal permohonan"),
        actor=request.actor,
    )
    rows = [
        ["Nama", resident.name],
        ["NIK", resident.nik],
        ["Tempat dan tanggal lahir", f"{resident.birth_place}, {resident.birth_date:%d-%m-%Y}"],
        ["Jenis kelamin", resident.get_sex_display()],
        ["Nama ayah", resident.father_name or "-"],
        ["Nama ibu", resident.mother_name or "-"],
        ["No. KK", family.no_kk],
        ["Saksi", f"{text(data, 'witness_1')}; {text(data, 'witness_2')}"],
    ]
    draft_ensure(
        case=request.case,
        kind=OutputKind.AKTA_KELAHIRAN,
        actor=request.actor,
        resident=resident,
        family=family,
        data={"rows": rows},
    )


# --- S2f akta kematian ----------------------------------------------------------------------


def enter_death(request: EnterRequest) -> None:
    _once(request, OutputKind.AKTA_KEMATIAN)
    data = request.data
    resident = resident_by_nik(request, text(data, "nik"))
    for key in ("reporter_name", "witness_1", "witness_2", "death_place"):
        if not text(data, key):
            raise DomainError("Tempat meninggal, pelapor dan dua saksi wajib diisi.", code=key)
    died_on = day(data, "died_on", "Tanggal meninggal")
    resident = registry.death_record(resident=resident, died_on=died_on, actor=request.actor)
    rows = [
        ["Nama", resident.name],
        ["NIK", resident.nik],
        ["Tempat dan tanggal lahir", f"{resident.birth_place}, {resident.birth_date:%d-%m-%Y}"],
        ["Meninggal pada", f"{died_on:%d-%m-%Y} di {text(data, 'death_place')}"],
        ["Sebab", text(data, "cause") or "-"],
        ["Pelapor", text(data, "reporter_name")],
        ["Saksi", f"{text(data, 'witness_1')}; {text(data, 'witness_2')}"],
    ]
    draft_ensure(
        case=request.case,
        kind=OutputKind.AKTA_KEMATIAN,
        actor=request.actor,
        resident=resident,
        data={"rows": rows},
    )


def register() -> None:
    register_document_service(
        "S2a",
        name="Kartu Keluarga baru",
        outputs=(OutputKind.KK,),
        enter=enter_family,
        enter_form=FamilyForm,
    )
    register_document_service(
        "S2b",
        name="Surat keterangan pindah WNI",
        outputs=(OutputKind.SKPWNI,),
        enter=enter_move,
        enter_form=MoveOutForm,
    )
    register_document_service("S2c", name="Penggantian KTP-el", outputs=(OutputKind.KTP_EL,))
    register_document_service("S2d", name="Kartu Identitas Anak", outputs=(OutputKind.KIA,))
    register_document_service(
        "S2e",
        name="Akta kelahiran",
        outputs=(OutputKind.AKTA_KELAHIRAN,),
        enter=enter_birth,
        enter_form=BirthForm,
    )
    register_document_service(
        "S2f",
        name="Akta kematian",
        outputs=(OutputKind.AKTA_KEMATIAN,),
        enter=enter_death,
        enter_form=DeathForm,
    )
