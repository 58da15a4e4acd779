"""The document services of S2a–S2f: their outputs and their data entry on the registry.

Each enter function reads the step's data (a form's cleaned data, or the same keys from a
channel), changes the registry through `alur.registry.services` and keeps the draft of each
output. S3 (Dukcapil Siaga) registers its own service from `alur.outreach`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from alur.core.errors import DomainError
from alur.documents.choices import OutputKind
from alur.documents.definitions import EnterRequest, register_document_service
from alur.documents.forms import (
    REPLACEMENT_REASONS,
    BirthForm,
    DeathForm,
    FamilyForm,
    MoveOutForm,
    ReplacementForm,
)
from alur.documents.models import CitizenDocument
from alur.documents.services import case_documents, draft_drop, draft_ensure
from alur.intake.models import Application
from alur.intake.nik import check_nik
from alur.org.models import Region
from alur.registry.choices import Relation, ResidentStatus
from alur.registry.inputs import AddressInput, ResidentInput
from alur.registry.models import Family, FamilyMember, Resident
from alur.registry.selectors import FamilyCard
from alur.registry.services.events import (
    MSG_BIRTH_AFTER_APPLICATION,
    birth_register,
    death_record,
    life_event_revert,
    move_out,
)
from alur.registry.services.families import family_create, family_revise
from alur.registry.services.residents import resident_update
from alur.workflow.models import Case

MSG_TWICE = "NIK {nik} tercantum dua kali dalam daftar {what}."
MSG_RELATION = "Baris anggota {line!r}: tulis NIK lalu hubungan dalam keluarga ({choices})."
MSG_PHOTO = (
    "{name} berusia {age} tahun: pas foto berwarna anak wajib dilampirkan pada permohonan KIA "
    "(untuk anak usia 5 tahun ke atas)."
)
MSG_KIA_AGE = "{name} sudah berusia {age} tahun; KIA hanya untuk anak di bawah 17 tahun."
MSG_REASON = "Pilih alasan penggantian KTP-el: hilang, rusak atau perubahan data."


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


def _draft(request: EnterRequest, kind: str) -> CitizenDocument | None:
    return next((d for d in case_documents(request.case) if d.kind == kind), None)


def _correction(request: EnterRequest) -> str:
    return f"Koreksi isian perkara {request.case.reference}"


def _keep(
    request: EnterRequest,
    kind: str,
    values: dict[str, Any],
    *,
    resident: Resident | None = None,
    family: Family | None = None,
) -> CitizenDocument:
    """The draft of `kind` with the entry as entered; each correction is a new version."""
    previous = _draft(request, kind)
    version = int(previous.data.get("version", 0)) + 1 if previous else 1
    return draft_ensure(
        case=request.case,
        kind=kind,
        actor=request.actor,
        resident=resident,
        family=family,
        data=values | {"entry": plain(request.data), "version": version},
    )


def _person(resident: Resident) -> dict[str, Any]:
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


def application_of(case: Case) -> Application | None:
    return Application.objects.filter(case=case).first()


# --- S2a KK baru (or a KK changed) ----------------------------------------------------------


def enter_family(request: EnterRequest) -> None:
    data = request.data
    head = resident_by_nik(request, text(data, "head_nik"), "head_nik")
    members = members_of(request, text(data, "members"), head)
    previous = _draft(request, OutputKind.KK)
    no_kk = text(data, "no_kk")
    reason = text(data, "change_reason")
    if previous is not None and previous.family is not None:
        family = previous.family
        if no_kk and no_kk != family.no_kk:
            raise DomainError(
                f"Perkara ini sudah mencatat KK {family.no_kk}; koreksi hanya untuk KK itu.",
                code="no_kk",
            )
        family = family_revise(
            family=family,
            head=head,
            home=address_of(data),
            members=members,
            actor=request.actor,
            reason=_correction(request),
        )
    elif no_kk:
        family = family_by_no_kk(request, no_kk)
        if not reason:
            raise DomainError("Tuliskan alasan perubahan KK.", code="change_reason")
        family = family_revise(
            family=family,
            head=head,
            home=address_of(data),
            members=members,
            actor=request.actor,
            reason=reason,
        )
    else:
        family = family_create(
            office=request.case.office,
            head=head,
            home=address_of(data),
            members=members,
            actor=request.actor,
        )
    _keep(request, OutputKind.KK, {"change_reason": reason}, family=family, resident=family.head)


# --- S2b SKPWNI -----------------------------------------------------------------------------


def _regions_of(code: str) -> dict[str, str]:
    region = Region.objects.filter(code=code.strip()).select_related("parent").first()
    names: dict[str, str] = {"code": code.strip()}
    while region is not None:
        names[region.level] = region.name
        region = region.parent
    return names


def enter_move(request: EnterRequest) -> None:
    data = request.data
    niks = text(data, "niks").split()
    for index, nik in enumerate(niks):
        if nik in niks[:index]:
            raise DomainError(MSG_TWICE.format(nik=nik, what="yang pindah"), code="twice")
    previous = _draft(request, OutputKind.SKPWNI)
    for nik in previous.data.get("movers_nik", []) if previous else []:
        earlier = Resident.objects.filter(nik=nik, status=ResidentStatus.MOVED_OUT).first()
        if earlier is not None:
            life_event_revert(resident=earlier, actor=request.actor, reason=_correction(request))
    movers = [resident_by_nik(request, nik, "niks") for nik in niks]
    moved_on = day(data, "moved_on", "Tanggal pindah")
    reason = text(data, "reason")
    if not reason:
        raise DomainError("Alasan pindah wajib diisi.", code="reason")
    origin = family_of(movers[0]) if movers else None
    relations = {
        m.resident_id: m.get_relation_display()
        for m in FamilyMember.objects.filter(resident__in=movers, until__isnull=True)
    }
    moved = move_out(
        residents=movers,
        destination_code=text(data, "destination_code"),
        destination_address=text(data, "destination_address"),
        moved_on=moved_on,
        actor=request.actor,
    )
    first = moved[0]
    destination = _regions_of(text(data, "destination_code"))
    same_province = destination["code"][:2] == first.district_id[:2]
    values = {
        "origin": {
            "no_kk": origin.no_kk if origin else "-",
            "head": origin.head.name if origin else first.name,
            "address": f"{first.address} RT/RW {first.rt_rw}",
            "village": first.village,
            "district": first.district.name,
            "regency": first.district.parent.name if first.district.parent else "",
            "province": (
                first.district.parent.parent.name
                if first.district.parent and first.district.parent.parent
                else ""
            ),
        },
        "destination": destination | {"address": text(data, "destination_address")},
        "classification": (
            "Antar kabupaten/kota dalam satu provinsi" if same_province else "Antar provinsi"
        ),
        "reason": reason,
        "moved_on": moved_on.isoformat(),
        "movers": [_person(r) | {"relation": relations.get(r.pk, "-")} for r in moved],
        "movers_nik": [r.nik for r in moved],
    }
    _keep(request, OutputKind.SKPWNI, values, resident=first)


# --- S2e akta kelahiran ---------------------------------------------------------------------


def _parent(request: EnterRequest, family: Family, key: str, label: str) -> Resident | None:
    nik = text(request.data, key)
    if not nik:
        return None
    parent = resident_by_nik(request, nik, key)
    if family_of(parent) != family:
        raise DomainError(
            f"{label} ({parent.name}, {parent.nik}) tidak tercatat dalam KK {family.no_kk}.",
            code=key,
        )
    return parent


def enter_birth(request: EnterRequest) -> None:
    data = request.data
    family = family_by_no_kk(request, text(data, "no_kk"))
    home = AddressInput(
        address=family.address,
        district_code=family.district_id,
        rt=family.rt,
        rw=family.rw,
        village=family.village,
        postal_code=family.postal_code,
    )
    father = _parent(request, family, "father_nik", "Ayah")
    mother = _parent(request, family, "mother_nik", "Ibu")
    child = person_of(data, home)
    child.nik = ""
    child.father_name = father.name if father else child.father_name
    child.mother_name = mother.name if mother else child.mother_name
    if not child.mother_name.strip():
        raise DomainError("Nama ibu wajib diisi (atau NIK ibu).", code="mother_name")
    for key in ("witness_1", "witness_2"):
        if not text(data, key):
            raise DomainError("Nama dua orang saksi wajib diisi.", code=key)
    applied_on = day(data, "applied_on", "Tanggal permohonan")
    previous = _draft(request, OutputKind.AKTA_KELAHIRAN)
    if previous is not None and previous.resident is not None:
        if previous.family_id != family.pk:
            raise DomainError(
                "No. KK anak tidak dapat dikoreksi di sini; ajukan perubahan KK.", code="no_kk"
            )
        if child.birth_date > applied_on:
            raise DomainError(
                MSG_BIRTH_AFTER_APPLICATION.format(birth=child.birth_date, applied=applied_on),
                code="birth_date",
            )
        resident = resident_update(
            resident=previous.resident,
            data=child,
            actor=request.actor,
            reason=_correction(request),
        )
    else:
        resident = birth_register(
            office=request.case.office,
            family=family,
            child=child,
            applied_on=applied_on,
            actor=request.actor,
        )
    values = {
        "child": _person(resident),
        "birth_order": int(data.get("birth_order") or 1),
        "birth_time": text(data, "birth_time"),
        "father": _person(father) if father else {"name": resident.father_name or "-"},
        "mother": _person(mother) if mother else {"name": resident.mother_name},
        "witnesses": [text(data, "witness_1"), text(data, "witness_2")],
        "no_kk": family.no_kk,
    }
    _keep(request, OutputKind.AKTA_KELAHIRAN, values, resident=resident, family=family)


# --- S2f akta kematian, with the updated KK ("3 in 1") --------------------------------------


def enter_death(request: EnterRequest) -> None:
    data = request.data
    previous = _draft(request, OutputKind.AKTA_KEMATIAN)
    earlier = previous.resident if previous is not None else None
    if earlier is not None and earlier.status == ResidentStatus.DEAD:
        life_event_revert(resident=earlier, actor=request.actor, reason=_correction(request))
    resident = resident_by_nik(request, text(data, "nik"))
    for key in ("reporter_name", "witness_1", "witness_2", "death_place"):
        if not text(data, key):
            raise DomainError("Tempat meninggal, pelapor dan dua saksi wajib diisi.", code=key)
    reporter_nik = text(data, "reporter_nik")
    if reporter_nik:
        checked = check_nik(reporter_nik)
        if checked.errors:
            raise DomainError(f"NIK pelapor: {' '.join(checked.errors)}", code="reporter_nik")
    died_on = day(data, "died_on", "Tanggal meninggal")
    family = family_of(resident)
    resident = death_record(resident=resident, died_on=died_on, actor=request.actor)
    values = {
        "deceased": _person(resident),
        "died_on": died_on.isoformat(),
        "death_place": text(data, "death_place"),
        "cause": text(data, "cause"),
        "reporter": {
            "name": text(data, "reporter_name"),
            "nik": reporter_nik,
            "relation": text(data, "reporter_relation"),
        },
        "witnesses": [text(data, "witness_1"), text(data, "witness_2")],
        "no_kk": family.no_kk if family else "",
    }
    _keep(request, OutputKind.AKTA_KEMATIAN, values, resident=resident, family=family)
    if family is None:
        draft_drop(case=request.case, kind=OutputKind.KK, actor=request.actor)
    else:
        change = f"Perubahan karena kematian {resident.name}"
        _keep(
            request, OutputKind.KK, {"change_reason": change}, family=family, resident=family.head
        )


# --- S2c KTP-el replacement and S2d KIA: the checks before the card is printed --------------


def check_replacement(case: Case, resident: Resident, data: dict[str, Any]) -> dict[str, Any]:
    reason = text(data, "reason")
    if reason not in REPLACEMENT_REASONS:
        raise DomainError(MSG_REASON, code="reason")
    return {"reason": reason, "reason_label": REPLACEMENT_REASONS[reason]}


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def check_kia(case: Case, resident: Resident, data: dict[str, Any]) -> dict[str, Any]:
    age = age_on(resident.birth_date, timezone.localdate())
    if age >= 17:
        raise DomainError(MSG_KIA_AGE.format(name=resident.name, age=age), code="age")
    application = application_of(case)
    has_photo = (
        application is not None and application.attachments.filter(requirement="photo").exists()
    )
    if age >= 5 and not has_photo:
        raise DomainError(MSG_PHOTO.format(name=resident.name, age=age), code="photo")
    return {"age": age, "photo": has_photo}


# --- the forms' initial values from the application (or the entry being corrected) ----------

INITIAL_FROM_APPLICATION: dict[str, dict[str, str]] = {
    "S2b": {"reason": "reason", "destination_address": "destination"},
    "S2c": {"reason": "reason"},
    "S2d": {"nik": "child_nik"},
    "S2e": {
        "name": "child_name",
        "birth_date": "child_birth_date",
        "birth_place": "child_birth_place",
    },
    "S2f": {"nik": "deceased_nik", "died_on": "death_date", "death_place": "death_place"},
}


def initial_of(case: Case) -> dict[str, Any]:
    for document in case_documents(case):
        if document.data.get("entry"):
            return dict(document.data["entry"])
    application = application_of(case)
    if application is None:
        return {}
    fields = application.fields or {}
    initial = {
        key: fields[source]
        for key, source in INITIAL_FROM_APPLICATION.get(case.sop.code, {}).items()
        if fields.get(source)
    }
    if case.sop.code == "S2c":
        initial["nik"] = application.applicant_nik
        reason = str(initial.get("reason", "")).lower().replace(" ", "_")
        initial["reason"] = reason if reason in REPLACEMENT_REASONS else ""
    if case.sop.code == "S2e":
        initial["applied_on"] = timezone.localdate(application.created_at).isoformat()
    return initial


# --- what a family (or a resident in no KK) found by the entry form's search fills in ---------


def _home_of(row: Family | Resident) -> dict[str, Any]:
    return {
        "address": row.address,
        "rt": row.rt,
        "rw": row.rw,
        "village": row.village,
        "district_code": row.district_id,
        "postal_code": row.postal_code,
    }


def fill_family_change(card: FamilyCard) -> dict[str, Any]:
    """S2a on an existing KK: its number, head, the others with their relation, its address."""
    others = [m for m in card.members if m.resident_id != card.family.head_id]
    return _home_of(card.family) | {
        "no_kk": card.family.no_kk,
        "head_nik": card.family.head.nik,
        "members": "\n".join(f"{m.resident.nik} {m.relation}" for m in others),
    }


def fill_new_head(resident: Resident) -> dict[str, Any]:
    """S2a for a resident in no KK: the head of a new KK, at their address."""
    return _home_of(resident) | {"no_kk": "", "head_nik": resident.nik}


def fill_movers(card: FamilyCard) -> dict[str, Any]:
    """S2b: every member of the KK moves (the operator strikes out who stays)."""
    return {"niks": "\n".join(m.resident.nik for m in card.members)}


def fill_mover(resident: Resident) -> dict[str, Any]:
    return {"niks": resident.nik}


def fill_parents(card: FamilyCard) -> dict[str, Any]:
    """S2e: the parents' KK, the father and mother among its members (head and spouse)."""
    head = card.family.head
    spouse = card.member(Relation.WIFE) or card.member(Relation.HUSBAND)
    father = head if head.sex == "L" else (spouse.resident if spouse else None)
    mother = head if head.sex == "P" else (spouse.resident if spouse else None)
    values: dict[str, Any] = {"no_kk": card.family.no_kk, "father_nik": "", "mother_nik": ""}
    if father is not None:
        values |= {"father_nik": father.nik, "father_name": father.name}
    if mother is not None:
        values |= {"mother_nik": mother.nik, "mother_name": mother.name}
    return values


def register() -> None:
    register_document_service(
        "S2a",
        name="Kartu Keluarga baru",
        outputs=(OutputKind.KK,),
        enter=enter_family,
        enter_form=FamilyForm,
        enter_initial=initial_of,
        family_fill=fill_family_change,
        person_fill=fill_new_head,
    )
    register_document_service(
        "S2b",
        name="Surat keterangan pindah WNI",
        outputs=(OutputKind.SKPWNI,),
        enter=enter_move,
        enter_form=MoveOutForm,
        enter_initial=initial_of,
        family_fill=fill_movers,
        person_fill=fill_mover,
    )
    register_document_service(
        "S2c",
        name="Penggantian KTP-el",
        outputs=(OutputKind.KTP_EL,),
        enter_initial=initial_of,
        print_form=ReplacementForm,
        card_check=check_replacement,
    )
    register_document_service(
        "S2d",
        name="Kartu Identitas Anak",
        outputs=(OutputKind.KIA,),
        enter_initial=initial_of,
        card_check=check_kia,
    )
    register_document_service(
        "S2e",
        name="Akta kelahiran",
        outputs=(OutputKind.AKTA_KELAHIRAN,),
        enter=enter_birth,
        enter_form=BirthForm,
        enter_initial=initial_of,
        family_fill=fill_parents,
    )
    register_document_service(
        "S2f",
        name="Akta kematian",
        outputs=(OutputKind.AKTA_KEMATIAN, OutputKind.KK),
        optional=(OutputKind.KK,),
        enter=enter_death,
        enter_form=DeathForm,
        enter_initial=initial_of,
    )
