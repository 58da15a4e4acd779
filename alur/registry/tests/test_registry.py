"""The population register: numbers by domain.md's rules, life events, and what it refuses."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError
from alur.intake.nik import check_nik
from alur.org.models import Office
from alur.registry.choices import Relation, ResidentStatus
from alur.registry.inputs import AddressInput, ResidentInput
from alur.registry.models import FamilyMember, Resident
from alur.registry.numbers import nik_generate
from alur.registry.selectors import current_members
from alur.registry.services.events import birth_register, death_record, move_out
from alur.registry.services.families import family_create, family_member_add
from alur.registry.services.residents import resident_register

pytestmark = pytest.mark.django_db

HOME = AddressInput(address="Jl. Imam Bonjol 5", district_code="18.72.01", rt="3", rw="1")


def person(name: str = "Budi Santoso", **overrides) -> ResidentInput:
    values = {
        "name": name,
        "sex": "L",
        "birth_place": "Metro",
        "birth_date": date(1990, 5, 17),
        "home": HOME,
    } | overrides
    return ResidentInput(**values)


@pytest.fixture
def metro(office) -> Office:
    return office("18.72")


def register(metro: Office, name: str = "Budi Santoso", actor=None, **overrides) -> Resident:
    resident, _warnings = resident_register(
        office=metro, data=person(name, **overrides), actor=actor
    )
    return resident


def test_a_generated_nik_follows_the_rules(metro: Office) -> None:
    man = register(metro)
    woman = register(metro, "Siti Aminah", sex="P", birth_date=date(1988, 2, 3))
    assert man.nik == "1872011705900001"
    assert woman.nik == "1872014302880001"  # day + 40 for women
    check = check_nik(woman.nik, birth_date=woman.birth_date, sex="P")
    assert check.is_valid and not check.warnings


def test_a_collision_with_an_existing_nik_takes_the_next_serial(metro: Office) -> None:
    # A resident SIAK already numbered, holding the serial the counter would give next.
    register(metro, "Warga Lama", nik="1872011705900001")
    with transaction.atomic():
        generated = nik_generate(kecamatan_code="18.72.01", birth_date=date(1990, 5, 17), sex="L")
    assert generated == "1872011705900002"
    assert register(metro, "Warga Baru").nik == "1872011705900003"


def test_a_given_nik_is_checked_and_unique(metro: Office) -> None:
    with pytest.raises(DomainError, match="16 angka"):
        register(metro, nik="12345")
    register(metro, nik="1872011705900007")
    with pytest.raises(DomainError, match="sudah terdaftar atas nama BUDI SANTOSO"):
        register(metro, "Orang Lain", nik="1872011705900007")


def test_no_kk_is_region_issue_date_and_serial(metro: Office) -> None:
    head = register(metro)
    family = family_create(
        office=metro, head=head, home=HOME, actor=None, issued_on=date(2026, 3, 9)
    )
    assert family.no_kk == "1872010903260001"
    assert list(family.members.values_list("relation", flat=True)) == [Relation.HEAD]


def test_a_member_listed_twice_or_in_another_kk_is_refused(metro: Office) -> None:
    head, wife = register(metro), register(metro, "Siti Aminah", sex="P")
    with pytest.raises(DomainError, match="tercantum dua kali"):
        family_create(
            office=metro,
            head=head,
            home=HOME,
            members=[(wife, Relation.WIFE), (wife, Relation.WIFE)],
            actor=None,
        )
    family = family_create(
        office=metro, head=head, home=HOME, members=[(wife, Relation.WIFE)], actor=None
    )
    other = register(metro, "Kepala Lain")
    with pytest.raises(DomainError, match=f"masih tercatat dalam KK {family.no_kk}"):
        family_create(
            office=metro, head=other, home=HOME, members=[(wife, Relation.WIFE)], actor=None
        )
    with pytest.raises(DomainError, match="sudah tercatat dalam KK ini"):
        family_member_add(family=family, resident=wife, relation="istri", actor=None)


def test_a_death_updates_the_family_and_cannot_be_recorded_twice(metro: Office, persona) -> None:
    operator = persona("metro.operator")
    head, wife = register(metro), register(metro, "Siti Aminah", sex="P")
    family = family_create(
        office=metro, head=head, home=HOME, members=[(wife, Relation.WIFE)], actor=operator
    )
    died = timezone.localdate() - timedelta(days=2)
    death_record(resident=wife, died_on=died, actor=operator)
    wife.refresh_from_db()
    family.refresh_from_db()
    assert wife.status == ResidentStatus.DEAD and wife.died_on == died
    assert family.version == 2
    assert [m.resident_id for m in current_members(family)] == [head.pk]
    with pytest.raises(DomainError, match="sudah tercatat meninggal pada"):
        death_record(resident=wife, died_on=died, actor=operator)
    assert AuditEvent.objects.filter(action="registry.death_record").count() == 1


def test_skpwni_to_the_same_regency_is_refused_elsewhere_the_movers_leave(metro: Office) -> None:
    mover = register(metro)
    family_create(office=metro, head=mover, home=HOME, actor=None)
    with pytest.raises(DomainError, match="kabupaten/kota yang sama"):
        move_out(
            residents=[mover],
            destination_code="18.72.03",
            destination_address="Jl. Lain",
            moved_on=timezone.localdate(),
            actor=None,
        )
    move_out(
        residents=[mover],
        destination_code="18.71",
        destination_address="Jl. Kartini 1, Bandar Lampung",
        moved_on=timezone.localdate(),
        actor=None,
    )
    mover.refresh_from_db()
    assert mover.status == ResidentStatus.MOVED_OUT
    assert mover.moved_to.startswith("18.71 ")
    assert not FamilyMember.objects.filter(resident=mover, until__isnull=True).exists()


def test_a_birth_after_the_application_date_is_refused(metro: Office) -> None:
    father = register(metro)
    family = family_create(office=metro, head=father, home=HOME, actor=None)
    applied = timezone.localdate() - timedelta(days=5)
    with pytest.raises(DomainError, match="tidak boleh sesudah tanggal permohonan"):
        birth_register(
            office=metro,
            family=family,
            child=person("Bayi", birth_date=applied + timedelta(days=1)),
            applied_on=applied,
            actor=None,
        )
    child = birth_register(
        office=metro,
        family=family,
        child=person("Bayi", sex="P", birth_date=applied - timedelta(days=1)),
        applied_on=applied,
        actor=None,
    )
    assert family.members.filter(resident=child, relation=Relation.CHILD).exists()
    assert child.nik.startswith("187201")


def test_another_offices_officer_cannot_register(metro: Office, persona) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        register(metro, actor=persona("waykanan.operator"))
    assert not Resident.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_nik_generation_never_gives_a_duplicate(demo_transactional) -> None:
    metro = Office.objects.get(code="18.72")
    count = 20
    barrier = threading.Barrier(count)
    niks: list[str] = []
    errors: list[BaseException] = []

    def one(index: int) -> None:
        try:
            barrier.wait(timeout=20)
            resident = register(metro, f"Warga {index}")
            niks.append(resident.nik)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(set(niks)) == count
    assert sorted(niks) == [f"18720117059000{serial:02d}" for serial in range(1, count + 1)]
