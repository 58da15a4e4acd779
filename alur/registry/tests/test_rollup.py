"""The coverage rollup: after real registry changes it holds what a count of the residents
gives, the nightly roll follows birthdays (and can run twice), and the rebuild agrees."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError
from alur.documents.models import CitizenDocument
from alur.org.models import Office
from alur.registry import rollup
from alur.registry.choices import MaritalStatus, Relation, ResidentStatus
from alur.registry.inputs import AddressInput, ResidentInput
from alur.registry.models import Resident, ResidentCount, RollupState
from alur.registry.services.events import birth_register, death_record, life_event_revert, move_out
from alur.registry.services.families import family_create
from alur.registry.services.residents import (
    biometrics_record,
    birth_certificate_record,
    death_certificate_record,
    kia_record,
    resident_register,
    resident_update,
)

pytestmark = pytest.mark.django_db

METRO_HOME = AddressInput(address="Jl. Imam Bonjol 5", district_code="18.72.01")
WAYKANAN_HOME = AddressInput(address="Jl. Lintas Sumatra 1", district_code="18.08.01")


def years_ago(day: date, years: int, days: int = 0) -> date:
    return day.replace(year=day.year - years) - timedelta(days=days)


def expected(day: date) -> Counter:
    """The counts worked out here from every resident, without the rollup's code."""
    found: Counter = Counter()
    for r in Resident.objects.all():
        if r.status == ResidentStatus.MOVED_OUT:
            continue
        b = r.birth_date
        age = day.year - b.year - ((day.month, day.day) < (b.month, b.day))
        found[
            (
                r.office_id,
                19 if age >= 19 else 17 if age >= 17 else 0,
                r.marital_status != MaritalStatus.SINGLE,
                r.status == ResidentStatus.DEAD,
                r.biometrics_recorded_at is not None,
                r.birth_certificate_no != "",
                r.kia_issued_at is not None,
                r.death_certificate_no != "",
            )
        ] += 1
    return found


def kept() -> Counter:
    return Counter(rollup.counts())


@pytest.fixture
def today() -> date:
    day = timezone.localdate()
    rollup.rebuild(day)
    return day


def register(office: Office, name: str, born: date, home: AddressInput, **extra) -> Resident:
    data = ResidentInput(
        name=name, sex=extra.pop("sex", "L"), birth_place="Metro", birth_date=born, home=home
    )
    for key, value in extra.items():
        setattr(data, key, value)
    resident, _warnings = resident_register(office=office, data=data, actor=None)
    return resident


def test_every_change_keeps_the_rollup_equal_to_a_count_of_the_residents(
    office, today: date
) -> None:
    metro, waykanan = office("18.72"), office("18.08")
    steps: list[str] = []

    def check(step: str) -> None:
        steps.append(step)
        assert kept() == expected(today), f"after {steps}"

    father = register(metro, "Ayah", years_ago(today, 40), METRO_HOME)
    mother = register(
        metro, "Ibu", years_ago(today, 35), METRO_HOME, sex="P", marital_status="kawin_tercatat"
    )
    teen = register(metro, "Remaja", years_ago(today, 17, 10), METRO_HOME)
    young_wife = register(waykanan, "Istri Muda", years_ago(today, 16), WAYKANAN_HOME, sex="P")
    check("register")
    family = family_create(
        office=metro, head=father, home=METRO_HOME, members=[(mother, Relation.WIFE)], actor=None
    )
    child = birth_register(
        office=metro,
        family=family,
        child=ResidentInput(
            name="Bayi", sex="P", birth_place="Metro", birth_date=today, home=METRO_HOME
        ),
        applied_on=today,
        actor=None,
    )
    check("birth")
    birth_certificate_record(resident=child, number="1872-LT-01", actor=None)
    kia_record(resident=child, actor=None)
    biometrics_record(resident=teen, actor=None)
    biometrics_record(resident=father, actor=None)
    check("documents")
    data = ResidentInput(
        name="Istri Muda",
        sex="P",
        birth_place="Metro",
        birth_date=young_wife.birth_date,
        home=WAYKANAN_HOME,
        marital_status=MaritalStatus.MARRIED,
    )
    resident_update(resident=young_wife, data=data, actor=None)  # married at 16
    check("married")
    data.birth_date = years_ago(today, 20)
    resident_update(resident=young_wife, data=data, actor=None, reason="salah ketik")
    check("birth date corrected")
    death_record(resident=father, died_on=today, actor=None)
    check("death")
    death_certificate_record(resident=father, number="1872-KM-01", actor=None)
    check("akta kematian")
    move_out(
        residents=[teen],
        destination_code="18.08",
        destination_address="Jl. Baru 1",
        moved_on=today,
        actor=None,
    )
    check("moved out")
    life_event_revert(resident=teen, actor=None, reason="salah pilih")
    life_event_revert(resident=father, actor=None, reason="salah pilih")
    check("reverted")
    assert Resident.objects.get(pk=father.pk).death_certificate_no == ""
    with pytest.raises(DomainError, match="belum tercatat"):
        death_certificate_record(resident=father, number="1872-KM-02", actor=None)
    check("refused")
    # Five residents, none moved out at the end, in two offices.
    assert sum(kept().values()) == 5
    assert {key[0] for key in kept()} == {metro.pk, waykanan.pk}
    incremental = kept()
    assert rollup.rebuild(today, reason="diperiksa") > 0
    assert kept() == incremental
    event = AuditEvent.objects.filter(action="registry.rollup_rebuild").latest("seq")
    assert event.reason == "diperiksa" and event.after["as_of"] == str(today)


def test_the_nightly_roll_follows_birthdays_and_runs_twice_harmlessly(office, today: date) -> None:
    metro = office("18.72")
    start = today - timedelta(days=5)
    rollup.rebuild(start)
    turns_17 = register(metro, "Tujuh Belas", years_ago(start, 17, -2), METRO_HOME)
    turns_19 = register(metro, "Sembilan Belas", years_ago(start, 19, -4), METRO_HOME)
    adult = register(metro, "Dewasa", years_ago(start, 30), METRO_HOME)
    assert kept() == expected(start)
    assert rollup.key_of(turns_17, start)[1] == 0
    assert rollup.key_of(turns_19, start)[1] == 17

    assert rollup.roll(start + timedelta(days=1)) == 0
    assert rollup.roll(start + timedelta(days=2)) == 1  # the 17th birthday
    assert rollup.as_of() == start + timedelta(days=2)
    assert kept() == expected(start + timedelta(days=2))
    assert rollup.roll(start + timedelta(days=2)) == 0  # again: nothing moves
    assert kept() == expected(start + timedelta(days=2))
    assert rollup.roll(start + timedelta(days=1)) == 0  # never backwards
    # Two nights missed: the next roll catches up.
    assert rollup.roll(today) == 1  # the 19th birthday
    assert kept() == expected(today)
    # Each roll that moved the day is in the audit trail; the idle ones are not.
    rolls = AuditEvent.objects.filter(action="registry.rollup_roll").order_by("seq")
    assert [(e.before["as_of"], e.after["as_of"], e.after["moved"]) for e in rolls] == [
        (str(start), str(start + timedelta(days=1)), 0),
        (str(start + timedelta(days=1)), str(start + timedelta(days=2)), 1),
        (str(start + timedelta(days=2)), str(today), 1),
    ]
    assert rollup.key_of(turns_19, today)[1] == 19 and rollup.key_of(adult, today)[1] == 19
    assert kept() != expected(start)  # the comparison sees a difference


def test_birthdays_on_29_february(office) -> None:
    metro = office("18.72")
    rollup.rebuild(date(2025, 2, 27))
    leapling = register(metro, "Kabisat", date(2008, 2, 29), METRO_HOME)
    assert rollup.key_of(leapling, date(2025, 2, 28))[1] == 0
    assert rollup.roll(date(2025, 2, 28)) == 0
    assert rollup.roll(date(2025, 3, 1)) == 1
    assert kept() == expected(date(2025, 3, 1))
    assert rollup.key_of(leapling, date(2027, 2, 28))[1] == 17
    assert rollup.key_of(leapling, date(2027, 3, 1))[1] == 19


def test_the_rebuild_command_equals_the_kept_counts(office, today: date) -> None:
    metro, waykanan = office("18.72"), office("18.08")
    for n in range(12):
        resident = register(
            metro if n % 3 else waykanan,
            f"Warga {n}",
            years_ago(today, n * 3, n),
            METRO_HOME if n % 3 else WAYKANAN_HOME,
            marital_status=MaritalStatus.MARRIED if n % 4 == 0 else MaritalStatus.SINGLE,
        )
        if n % 2:
            biometrics_record(resident=resident, actor=None)
        if n % 5 == 0:
            birth_certificate_record(resident=resident, number=f"LT-{n}", actor=None)
    incremental = kept()
    ResidentCount.objects.update(count=7)  # damaged
    assert kept() != incremental
    out = StringIO()
    call_command("registry_rollup_rebuild", stdout=out)
    assert "Rekap penduduk per" in out.getvalue()
    assert kept() == incremental == expected(today)
    call_command("registry_rollup_rebuild", "--per", "2040-01-01", stdout=StringIO())
    assert RollupState.objects.get().as_of == date(2040, 1, 1)
    assert kept() == expected(date(2040, 1, 1)) != incremental


def test_the_periodic_task_rolls_to_today(office, today: date) -> None:
    from alur.registry.tasks import roll_rollup

    rollup.rebuild(today - timedelta(days=3))
    roll_rollup()
    assert rollup.as_of() == today


def test_signed_akta_and_printed_kia_are_recorded_on_the_resident() -> None:
    from alur.documents.tests import drivers  # noqa: F401 - the documents.* step drivers
    from alur.workflow.tests.drive import run_to_end, start

    rollup.rebuild(timezone.localdate())
    for code, kind in (("S2e", "akta_kelahiran"), ("S2f", "akta_kematian"), ("S2d", "kia")):
        case = run_to_end(start(code))
        document = CitizenDocument.objects.get(case=case, kind=kind)
        resident = Resident.objects.get(pk=document.resident_id)
        if kind == "akta_kelahiran":
            assert resident.birth_certificate_no == document.register_number != ""
        elif kind == "akta_kematian":
            assert resident.status == ResidentStatus.DEAD
            assert resident.death_certificate_no == document.register_number != ""
        else:
            assert resident.kia_issued_at is not None
    assert kept() == expected(timezone.localdate())


@pytest.mark.postgres
def test_a_count_move_holds_the_office_s_audit_chain_first(
    demo_transactional, office, today: date
) -> None:
    """The lock order that keeps two transactions of one office from deadlocking (one holding
    the audit chain and wanting a count row, the other the reverse, as CI once caught): a
    resident's count is moved only while its office's chain is held."""
    import psycopg
    from django.conf import settings
    from django.db import transaction

    metro = office("18.72")
    person = register(metro, "Kunci Urutan", years_ago(today, 3), METRO_HOME)
    db = settings.DATABASES["default"]
    other = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
    )
    try:
        with transaction.atomic():
            key = rollup.tracked(person)
            rollup.move(key, (*key[:5], True, *key[6:]))  # as an akta kelahiran would
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(
                    "SELECT 1 FROM audit_auditchain WHERE key = %s FOR UPDATE NOWAIT", ["18.72"]
                )
            transaction.set_rollback(True)
    finally:
        other.close()
