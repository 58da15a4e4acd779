"""A KK (family card): creating it, adding and removing members, and revising it whole in one new
version."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone

from alur.audit.services import record, snapshot
from alur.core.errors import DomainError
from alur.org.models import Office, User
from alur.registry.choices import Relation, ResidentStatus
from alur.registry.inputs import AddressInput, apply_address
from alur.registry.models import Family, FamilyMember, Resident
from alur.registry.numbers import no_kk_generate
from alur.registry.port import siak_no_kk_check
from alur.registry.selectors import current_members
from alur.registry.services.residents import require_staff

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


def current_family(resident: Resident) -> FamilyMember | None:
    return (
        FamilyMember.objects.filter(resident=resident, until__isnull=True)
        .select_related("family")
        .first()
    )


def check_joinable(resident: Resident, family: Family | None) -> None:
    if resident.status != ResidentStatus.ALIVE:
        raise DomainError(
            f"{resident.name} tercatat {resident.get_status_display().lower()}; tidak dapat "
            "menjadi anggota KK.",
            code="not_alive",
        )
    current = current_family(resident)
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


def bump_version(family: Family, on: date) -> None:
    family.version += 1
    family.changed_on = on
    family.save(update_fields=["version", "changed_on"])


@transaction.atomic
def family_create(
    *,
    office: Office,
    head: Resident,
    home: AddressInput,
    members: Sequence[tuple[Resident, str]] = (),
    actor: User | None,
    issued_on: date | None = None,
    no_kk: str = "",
) -> Family:
    """A new KK with `head` and `members` (resident, relation); each must be alive and in no
    other KK, and nobody may be listed twice. `no_kk`: the number SIAK issued (an office on
    SIAK, checked by `port.siak_no_kk_check`); without it the next free number is generated
    (refused on SIAK)."""
    require_staff(actor, office)
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
        check_joinable(locked[pk], None)
    if no_kk.strip():
        number = siak_no_kk_check(no_kk, office=office, district_code=home.district_code)
    else:
        number = no_kk_generate(region_code=home.district_code, issued_on=issued_on, office=office)
    family = Family(
        office=office,
        no_kk=number,
        head=locked[head.pk],
        issued_on=issued_on,
        created_by=actor,
    )
    apply_address(family, home)
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
    require_staff(actor, family.office_id)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if relation not in Relation.values or relation == Relation.HEAD:
        raise DomainError(f"Hubungan keluarga {resident.name} tidak sah.", code="relation")
    check_joinable(resident, family)
    on = on or timezone.localdate()
    member = FamilyMember.objects.create(
        family=family, resident=resident, relation=relation, since=on
    )
    bump_version(family, on)
    record(
        actor=actor,
        office=family.office,
        action="registry.family_member_add",
        obj=family,
        after={"nik": resident.nik, "relation": relation, "version": family.version},
    )
    return member


def end_membership(resident: Resident, on: date, reason: str) -> Family | None:
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
    bump_version(family, on)
    return family


@transaction.atomic
def family_member_remove(
    *, family: Family, resident: Resident, actor: User | None, reason: str, on: date | None = None
) -> Family:
    family = Family.objects.select_for_update().get(pk=family.pk)
    require_staff(actor, family.office_id)
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
    updated = end_membership(resident, on, reason.strip())
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
    require_staff(actor, family.office_id)
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
        check_joinable(resident, None)
        FamilyMember.objects.create(
            family=family, resident=resident, relation=wanted[resident.pk], since=on
        )
    apply_address(family, home)
    family.save()
    bump_version(family, on)
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
