"""The data the demo operator enters for each SOP's `documents.enter` step in the tests that
drive whole cases (residents and families made for the occasion). `ENTER` maps an SOP code to
its data; `alur.outreach.tests.drivers` adds S3's. No import of the drive module here, so the
drivers of several apps can import it without a cycle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from alur.org.models import Office, User
from alur.registry.inputs import AddressInput, ResidentInput
from alur.registry.models import Resident
from alur.registry.services.families import family_create
from alur.registry.services.residents import biometrics_record, resident_register
from alur.workflow.models import Case

DISTRICT = {"18.08": "18.08.01", "18.72": "18.72.01"}
BIRTH = date(1990, 5, 17)


def home(office: Office) -> AddressInput:
    return AddressInput(
        address="Jl. Uji No. 1",
        district_code=DISTRICT.get(office.code, f"{office.code}.01"),
        rt="1",
        rw="2",
        village="Uji",
    )


def person(
    office: Office,
    actor: User | None,
    name: str,
    *,
    sex: str = "L",
    born: date = BIRTH,
    biometrics: bool = False,
) -> Resident:
    resident, _warnings = resident_register(
        office=office,
        data=ResidentInput(
            name=name, sex=sex, birth_place="Metro", birth_date=born, home=home(office)
        ),
        actor=actor,
    )
    if biometrics:
        biometrics_record(resident=resident, actor=actor)
    return resident


_ENTERED: dict[str, dict[str, Any]] = {}


def _family(case: Case, actor: User) -> dict[str, Any]:
    """A new KK's data; the same again when the case comes back to the entry (Perbaikan)."""
    if case.reference in _ENTERED:
        return _ENTERED[case.reference]
    office = case.office
    head = person(office, actor, f"Kepala {case.pk}")
    wife = person(office, actor, f"Istri {case.pk}", sex="P")
    _ENTERED[case.reference] = {
        "head_nik": head.nik,
        "members": f"{wife.nik} istri",
        "address": "Jl. Uji No. 1",
        "rt": "1",
        "rw": "2",
        "village": "Uji",
        "district_code": home(office).district_code,
    }
    return _ENTERED[case.reference]


def _move(case: Case, actor: User) -> dict[str, Any]:
    mover = person(case.office, actor, f"Pindah {case.pk}")
    return {
        "niks": mover.nik,
        "destination_code": "18.71",
        "destination_address": "Jl. Tujuan No. 2, Bandar Lampung",
        "reason": "Pekerjaan",
        "moved_on": timezone.localdate(),
    }


def _birth(case: Case, actor: User) -> dict[str, Any]:
    office = case.office
    father = person(office, actor, f"Ayah {case.pk}")
    family = family_create(office=office, head=father, home=home(office), actor=actor)
    return {
        "no_kk": family.no_kk,
        "name": f"Anak {case.pk}",
        "sex": "P",
        "birth_place": "Blambangan Umpu",
        "birth_date": timezone.localdate() - timedelta(days=10),
        "father_name": father.name,
        "mother_name": "Ibu Uji",
        "applied_on": timezone.localdate(),
        "witness_1": "Saksi Satu",
        "witness_2": "Saksi Dua",
    }


def _death(case: Case, actor: User) -> dict[str, Any]:
    deceased = person(case.office, actor, f"Almarhum {case.pk}")
    return {
        "nik": deceased.nik,
        "died_on": timezone.localdate() - timedelta(days=3),
        "death_place": "Rumah",
        "reporter_name": "Pelapor Uji",
        "witness_1": "Saksi Satu",
        "witness_2": "Saksi Dua",
    }


ENTER: dict[str, Callable[[Case, User], dict[str, Any]]] = {
    "S2a": _family,
    "S2b": _move,
    "S2e": _birth,
    "S2f": _death,
}

# What the print step's form adds, per SOP (S2c: the reason of the replacement).
PRINT: dict[str, dict[str, Any]] = {"S2c": {"reason": "hilang"}}
