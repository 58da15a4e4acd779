"""Life events on the register: a death, a move out of the regency, a birth, and undoing a death
or a move-out entered in error."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from alur.audit.services import record, snapshot
from alur.core.errors import DomainError
from alur.org.choices import RegionLevel
from alur.org.models import Office, Region, User
from alur.registry import rollup
from alur.registry.choices import Relation, ResidentStatus
from alur.registry.inputs import ResidentInput, regency_of
from alur.registry.models import Family, FamilyMember, Resident
from alur.registry.services.families import (
    bump_version,
    current_family,
    end_membership,
    family_member_add,
)
from alur.registry.services.residents import RESIDENT_FIELDS, require_staff, resident_register

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


@transaction.atomic
def death_record(
    *, resident: Resident, died_on: date, actor: User | None, cause: Model | None = None
) -> Resident:
    """Record a death: the resident's status, and the end of their KK membership (the family's
    version goes up: the "3 in 1" updated KK)."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    require_staff(actor, resident.office_id)
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
    family = end_membership(resident, died_on, "Meninggal dunia")
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
        require_staff(actor, resident.office_id)
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
        family = end_membership(resident, moved_on, "Pindah keluar (SKPWNI)")
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


# --- corrections ----------------------------------------------------------------------------

EVENT_REASONS: dict[str, str] = {
    ResidentStatus.DEAD: "Meninggal dunia",
    ResidentStatus.MOVED_OUT: "Pindah keluar (SKPWNI)",
}


@transaction.atomic
def life_event_revert(*, resident: Resident, actor: User | None, reason: str) -> Resident:
    """Undo a death or a move-out entered in error (the operator corrects the entry before the
    document is signed): the resident is alive again and the KK membership that the event ended
    is open again (the family's version goes up)."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    require_staff(actor, resident.office_id)
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
    if member is not None and current_family(resident) is None:
        member.until, member.end_reason = None, ""
        member.save(update_fields=["until", "end_reason"])
        family = Family.objects.select_for_update().get(pk=member.family_id)
        bump_version(family, timezone.localdate())
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
