"""The data entry of S2a (KK baru or changed), S2b (SKPWNI), S2e (akta kelahiran) and S2f (akta
kematian, with the updated KK): each changes the registry through `alur.registry.services` and
keeps the drafts of its outputs."""

from __future__ import annotations

from alur.core.errors import DomainError
from alur.documents.choices import OutputKind
from alur.documents.definitions import EnterRequest
from alur.documents.entry_data import (
    MSG_TWICE,
    address_of,
    correction_reason,
    day,
    draft_of,
    family_by_no_kk,
    family_of,
    keep_draft,
    members_of,
    person_of,
    person_values,
    resident_by_nik,
    text,
)
from alur.documents.services import draft_drop
from alur.intake.nik import check_nik
from alur.org.models import Region
from alur.registry.choices import ResidentStatus
from alur.registry.inputs import AddressInput
from alur.registry.models import Family, FamilyMember, Resident
from alur.registry.port import (
    family_no_kk_correct,
    is_siak,
    resident_nik_correct,
    siak_nik_check,
    siak_no_kk_check,
)
from alur.registry.services.events import (
    MSG_BIRTH_AFTER_APPLICATION,
    birth_register,
    death_record,
    life_event_revert,
    move_out,
)
from alur.registry.services.families import family_create, family_revise
from alur.registry.services.residents import resident_update


def enter_family(request: EnterRequest) -> None:
    data = request.data
    head = resident_by_nik(request, text(data, "head_nik"), "head_nik")
    members = members_of(request, text(data, "members"), head)
    previous = draft_of(request, OutputKind.KK)
    no_kk = text(data, "no_kk")
    siak_no_kk = text(data, "siak_no_kk")
    reason = text(data, "change_reason")
    if no_kk and siak_no_kk:
        raise DomainError(
            "No. KK baru dari SIAK hanya untuk KK baru; KK yang diubah tetap memakai nomornya.",
            code="siak_no_kk",
        )
    if previous is not None and previous.family is not None:
        family = previous.family
        if siak_no_kk and siak_no_kk != family.no_kk:
            family = family_no_kk_correct(
                family=family,
                no_kk=siak_no_kk,
                actor=request.actor,
                reason=correction_reason(request),
            )
        elif no_kk and no_kk != family.no_kk:
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
            reason=correction_reason(request),
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
        if siak_no_kk:
            siak_no_kk_check(
                siak_no_kk,
                office=request.case.office,
                district_code=text(data, "district_code"),
                not_before=request.case.started_at.astimezone(request.case.office.zone).date(),
            )
        family = family_create(
            office=request.case.office,
            head=head,
            home=address_of(data),
            members=members,
            actor=request.actor,
            no_kk=siak_no_kk,
        )
    keep_draft(
        request, OutputKind.KK, {"change_reason": reason}, family=family, resident=family.head
    )


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
    previous = draft_of(request, OutputKind.SKPWNI)
    for nik in previous.data.get("movers_nik", []) if previous else []:
        earlier = Resident.objects.filter(nik=nik, status=ResidentStatus.MOVED_OUT).first()
        if earlier is not None:
            life_event_revert(
                resident=earlier, actor=request.actor, reason=correction_reason(request)
            )
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
        "movers": [person_values(r) | {"relation": relations.get(r.pk, "-")} for r in moved],
        "movers_nik": [r.nik for r in moved],
    }
    keep_draft(request, OutputKind.SKPWNI, values, resident=first)


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
    child.nik = ""  # a NIK of Alur's register, or the one SIAK issued (checked below)
    siak = is_siak(request.case.office)
    child.father_name = father.name if father else child.father_name
    child.mother_name = mother.name if mother else child.mother_name
    if not child.mother_name.strip():
        raise DomainError("Nama ibu wajib diisi (atau NIK ibu).", code="mother_name")
    for key in ("witness_1", "witness_2"):
        if not text(data, key):
            raise DomainError("Nama dua orang saksi wajib diisi.", code=key)
    applied_on = day(data, "applied_on", "Tanggal permohonan")
    previous = draft_of(request, OutputKind.AKTA_KELAHIRAN)
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
            reason=correction_reason(request),
        )
        if siak:
            resident = resident_nik_correct(
                resident=resident,
                nik=text(data, "siak_nik"),
                actor=request.actor,
                reason=correction_reason(request),
            )
    else:
        if siak:
            child.nik = siak_nik_check(
                text(data, "siak_nik"),
                office=request.case.office,
                district_code=family.district_id,
                birth_date=child.birth_date,
                sex=child.sex,
            )
        resident = birth_register(
            office=request.case.office,
            family=family,
            child=child,
            applied_on=applied_on,
            actor=request.actor,
        )
    values = {
        "child": person_values(resident),
        "birth_order": int(data.get("birth_order") or 1),
        "birth_time": text(data, "birth_time"),
        "father": person_values(father) if father else {"name": resident.father_name or "-"},
        "mother": person_values(mother) if mother else {"name": resident.mother_name},
        "witnesses": [text(data, "witness_1"), text(data, "witness_2")],
        "no_kk": family.no_kk,
    }
    keep_draft(request, OutputKind.AKTA_KELAHIRAN, values, resident=resident, family=family)


def enter_death(request: EnterRequest) -> None:
    data = request.data
    previous = draft_of(request, OutputKind.AKTA_KEMATIAN)
    earlier = previous.resident if previous is not None else None
    if earlier is not None and earlier.status == ResidentStatus.DEAD:
        life_event_revert(resident=earlier, actor=request.actor, reason=correction_reason(request))
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
        "deceased": person_values(resident),
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
    keep_draft(request, OutputKind.AKTA_KEMATIAN, values, resident=resident, family=family)
    if family is None:
        draft_drop(case=request.case, kind=OutputKind.KK, actor=request.actor)
    else:
        change = f"Perubahan karena kematian {resident.name}"
        keep_draft(
            request, OutputKind.KK, {"change_reason": change}, family=family, resident=family.head
        )
