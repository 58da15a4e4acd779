"""Reading a data-entry step's data (a form's cleaned data, or the same keys from a channel):
values, dates, addresses, persons and KK members, looked up in the case's office; and the draft
kept of each output, one version per correction."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from alur.core.errors import DomainError
from alur.documents.definitions import EnterRequest
from alur.documents.models import CitizenDocument
from alur.documents.services import case_documents, draft_ensure
from alur.registry.choices import Relation
from alur.registry.inputs import AddressInput, ResidentInput
from alur.registry.models import Family, FamilyMember, Resident

MSG_TWICE = "NIK {nik} tercantum dua kali dalam daftar {what}."

MSG_RELATION = "Baris anggota {line!r}: tulis NIK lalu hubungan dalam keluarga ({choices})."


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


MSG_NO_KK = (
    "No. KK {no_kk} tidak terdaftar di {office}. Cari keluarganya dengan NIK salah satu anggota "
    "atau No. KK pada kolom Cari keluarga di atas, lalu pilih; bila keluarga itu belum memiliki "
    "KK di kantor ini, ajukan Kartu Keluarga baru (S2a) atau pindah datang lebih dahulu."
)

MSG_NO_NIK = (
    "NIK {nik} tidak terdaftar di {office}. Periksa angkanya (cari dengan kolom Cari keluarga); "
    "penduduk yang belum terdaftar direkam biodatanya (F-1.02) lebih dahulu."
)


def resident_by_nik(request: EnterRequest, nik: str, field: str = "nik") -> Resident:
    """The resident of the case's office with this NIK; refused (about `field`) otherwise."""
    resident = Resident.objects.filter(nik=nik.strip(), office=request.case.office).first()
    if resident is None:
        raise DomainError(
            MSG_NO_NIK.format(nik=nik.strip() or "(kosong)", office=request.case.office),
            code=field,
        )
    return resident


def family_by_no_kk(request: EnterRequest, no_kk: str) -> Family:
    family = Family.objects.filter(no_kk=no_kk.strip(), office=request.case.office).first()
    if family is None:
        raise DomainError(
            MSG_NO_KK.format(no_kk=no_kk.strip() or "(kosong)", office=request.case.office),
            code="no_kk",
        )
    return family


def plain(data: dict[str, Any]) -> dict[str, Any]:
    """The entry as JSON values (kept on the draft, the correction form's initial values)."""
    kept: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, date | datetime | time):
            kept[key] = value.isoformat()
        elif value is None or isinstance(value, str | int | float | bool):
            kept[key] = value
    return kept


def draft_of(request: EnterRequest, kind: str) -> CitizenDocument | None:
    return next((d for d in case_documents(request.case) if d.kind == kind), None)


def correction_reason(request: EnterRequest) -> str:
    return f"Koreksi isian perkara {request.case.reference}"


def keep_draft(
    request: EnterRequest,
    kind: str,
    values: dict[str, Any],
    *,
    resident: Resident | None = None,
    family: Family | None = None,
) -> CitizenDocument:
    """The draft of `kind` with the entry as entered; each correction is a new version."""
    previous = draft_of(request, kind)
    version = int(previous.data.get("version", 0)) + 1 if previous else 1
    return draft_ensure(
        case=request.case,
        kind=kind,
        actor=request.actor,
        resident=resident,
        family=family,
        data=values | {"entry": plain(request.data), "version": version},
    )


def person_values(resident: Resident) -> dict[str, Any]:
    return {
        "nik": resident.nik,
        "name": resident.name,
        "sex": resident.get_sex_display(),
        "birth_place": resident.birth_place,
        "birth_date": resident.birth_date.isoformat(),
        "occupation": resident.occupation,
        "address": f"{resident.address} RT/RW {resident.rt_rw}, {resident.village}",
    }


def _relation(word: str) -> str | None:
    wanted = word.strip().lower().replace(" ", "_")
    for value, label in Relation.choices:
        if wanted in (value, label.lower().replace(" ", "_")) and value != Relation.HEAD:
            return value
    return None


def members_of(request: EnterRequest, lines: str, head: Resident) -> list[tuple[Resident, str]]:
    """The KK's members below the head, one line each: NIK then relation; nobody twice."""
    members: list[tuple[Resident, str]] = []
    seen = {head.nik}
    choices = ", ".join(v for v in Relation.values if v != Relation.HEAD)
    for line in lines.splitlines():
        parts = line.split(maxsplit=1)
        if not parts:
            continue
        relation = _relation(parts[1]) if len(parts) == 2 else None
        if relation is None:
            raise DomainError(MSG_RELATION.format(line=line, choices=choices), code="members")
        if parts[0] in seen:
            raise DomainError(MSG_TWICE.format(nik=parts[0], what="anggota KK"), code="twice")
        seen.add(parts[0])
        members.append((resident_by_nik(request, parts[0], "members"), relation))
    return members


def family_of(resident: Resident) -> Family | None:
    member = (
        FamilyMember.objects.filter(resident=resident, until__isnull=True)
        .select_related("family", "family__head")
        .first()
    )
    return member.family if member else None
