"""Demo residents for `make run`: a few hundred people in every demo kab/kota, so that the
coverage from Alur's own register (`/laporan/cakupan-register/`) has something to show, and a
dozen families (KK: head, spouse, children, each with a NIK) in each, for the data entry of the
document services (S2a–S2f) to find by NIK or No. KK.

The residents are written in bulk (not through the audited services: this is sample data, not a
registration) and then counted with the rollup's own repair (`rollup.rebuild`), which is what a
bulk import needs. The families go through the registry's services (audited, the rollup kept):
few enough, and their No. KK is taken from the office's counter as a real KK's would be.
NIKs follow domain.md's rule (kecamatan, birth date with +40 for women, serial), so the
services' own NIK generation skips them later. Seeded: the same data on every machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from alur.org.choices import OfficeLevel
from alur.org.models import Office, Region
from alur.registry import rollup
from alur.registry.choices import Education, MaritalStatus, Relation, Religion, ResidentStatus, Sex
from alur.registry.inputs import AddressInput, ResidentInput
from alur.registry.models import Resident
from alur.registry.numbers import nik_prefix
from alur.registry.port import is_siak
from alur.registry.services.families import family_create
from alur.registry.services.residents import resident_register

FIRST = {
    Sex.MALE: ["Ahmad", "Budi", "Dedi", "Fajar", "Hendra", "Irfan", "Joko", "Rizki", "Yusuf"],
    Sex.FEMALE: ["Ani", "Dewi", "Fitri", "Indah", "Lestari", "Nur", "Putri", "Rina", "Siti"],
}
LAST = ["Saputra", "Hidayat", "Lubis", "Siregar", "Wijaya", "Rahmawati", "Pratama", "Sari"]


def _birth_date(rng: random.Random, today: date) -> date:
    """Ages roughly as Indonesia's: a third under 18."""
    age = min(int(rng.expovariate(1 / 30)), 90)
    return today - timedelta(days=365 * age + rng.randrange(365))


def _people(
    office: Office, districts: list[Region], count: int, rng: random.Random, today: date
) -> list[Resident]:
    if not districts:
        return []
    now = timezone.now()
    serials: dict[str, int] = {}
    people = []
    for _ in range(count):
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        born = _birth_date(rng, today)
        district = rng.choice(districts)
        prefix = nik_prefix(district.code, born, sex)
        serials[prefix] = serials.get(prefix, 0) + 1
        age = (today - born).days // 365
        adult = age >= 17
        married = adult and rng.random() < 0.65
        dead = age > 60 and rng.random() < 0.08
        people.append(
            Resident(
                office=office,
                nik=f"{prefix}{serials[prefix]:04d}",
                name=f"{rng.choice(FIRST[sex])} {rng.choice(LAST)}".upper(),
                sex=sex,
                birth_place=district.name.upper(),
                birth_date=born,
                marital_status=MaritalStatus.MARRIED if married else MaritalStatus.SINGLE,
                address=f"Jl. Contoh No. {rng.randrange(1, 200)}",
                district=district,
                status=ResidentStatus.DEAD if dead else ResidentStatus.ALIVE,
                died_on=today - timedelta(days=rng.randrange(1, 300)) if dead else None,
                biometrics_recorded_at=now if adult and rng.random() < 0.93 else None,
                birth_certificate_no=(
                    f"{office.code.replace('.', '')}-LU-{born:%d%m%Y}-{serials[prefix]:04d}"
                    if rng.random() < (0.9 if age <= 18 else 0.6)
                    else ""
                ),
                kia_issued_at=now if age < 17 and rng.random() < 0.45 else None,
                death_certificate_no=(
                    f"{office.code.replace('.', '')}-KM-{today:%d%m%Y}-{serials[prefix]:04d}"
                    if dead and rng.random() < 0.6
                    else ""
                ),
                registered_at=now,
                updated_at=now,
            )
        )
    return people


@transaction.atomic
def load_demo_residents(per_office: int = 200) -> int:
    """Residents for every demo kab/kota that has none yet; returns how many were added."""
    today = timezone.localdate()
    # The demo families' members (and anyone else in a KK) do not count as the sample.
    filled = set(
        Resident.objects.filter(memberships__isnull=True)
        .values_list("office_id", flat=True)
        .distinct()
    )
    offices = [
        office
        for office in Office.objects.filter(level=OfficeLevel.REGENCY, region__isnull=False)
        .select_related("region")
        .order_by("code")
        if office.pk not in filled
    ]
    districts: dict[str, list[Region]] = {}
    for district in Region.objects.filter(parent__in=[o.region for o in offices]).order_by("code"):
        if district.parent_id:  # each has its regency, asked for above
            districts.setdefault(district.parent_id, []).append(district)
    people = []
    for office in offices:
        rng = random.Random(f"alur-demo-residents-{office.code}")  # noqa: S311 - sample data
        people += _people(office, districts.get(office.region_id or "", []), per_office, rng, today)
    Resident.objects.bulk_create(people, batch_size=1000)
    added = len(people)
    if added:
        rollup.rebuild(today, reason="penduduk contoh dimuat")
    return added


# --- families -------------------------------------------------------------------------------

FAMILIES_PER_OFFICE = 12
# Demo family members take NIK serials from here up: the sample residents above use the first
# few of each prefix, and the services' own generation skips every serial a NIK holds.
FAMILY_SERIAL = 8001
VILLAGES = ["Blambangan Umpu", "Sidoarjo", "Tanjung Raja", "Sukamaju", "Karang Agung", "Way Tuba"]
OCCUPATIONS = ["Petani/pekebun", "Wiraswasta", "Guru", "Pedagang", "Karyawan swasta", "Nelayan"]


@dataclass(frozen=True)
class _Person:
    name: str
    sex: str
    born: date
    relation: str


def _household(rng: random.Random, today: date) -> tuple[list[_Person], date]:
    """A head, a spouse and one to three children under 17; the KK's issue date."""
    family_name = rng.choice(LAST)
    head_age = rng.randrange(28, 56)
    head = _Person(
        f"{rng.choice(FIRST[Sex.MALE])} {family_name}",
        Sex.MALE,
        today - timedelta(days=365 * head_age + rng.randrange(365)),
        Relation.HEAD,
    )
    spouse = _Person(
        f"{rng.choice(FIRST[Sex.FEMALE])} {rng.choice(LAST)}",
        Sex.FEMALE,
        head.born + timedelta(days=rng.randrange(365, 365 * 6)),
        Relation.WIFE,
    )
    married = spouse.born + timedelta(days=365 * 20 + rng.randrange(365 * 4))
    married = min(married, today - timedelta(days=365 * 2))
    children = []
    born = married
    for _ in range(rng.randrange(1, 4)):
        born = born + timedelta(days=rng.randrange(400, 365 * 4))
        if born >= today - timedelta(days=60):
            break
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        children.append(
            _Person(f"{rng.choice(FIRST[sex])} {family_name}", sex, born, Relation.CHILD)
        )
    return [head, spouse, *children], married


def _family_input(
    person: _Person, home: AddressInput, nik: str, parents: tuple[str, str] | None
) -> ResidentInput:
    adult = parents is None
    return ResidentInput(
        name=person.name,
        sex=person.sex,
        birth_place=home.village or "Way Kanan",
        birth_date=person.born,
        home=home,
        religion=Religion.ISLAM,
        marital_status=MaritalStatus.MARRIED if adult else MaritalStatus.SINGLE,
        education=Education.SENIOR if adult else Education.PRIMARY_UNFINISHED,
        occupation="" if not adult else OCCUPATIONS[len(person.name) % len(OCCUPATIONS)],
        father_name=parents[0] if parents else "",
        mother_name=parents[1] if parents else "",
        nik=nik,
    )


def _siak_no_kk(office: Office, district: Region, issued_on: date, serial: int) -> str:
    """On SIAK the demo families are SIAK's: their No. KK as SIAK issued it (Alur makes none)."""
    if not is_siak(office):
        return ""
    return f"{district.code.replace('.', '')}{issued_on:%d%m%y}{serial:04d}"


def _office_families(office: Office, districts: list[Region], count: int, today: date) -> int:
    """The office's demo families, each made once: a family whose head's NIK is registered
    already is left as it is."""
    rng = random.Random(f"alur-demo-families-{office.code}")  # noqa: S311 - sample data
    added = 0
    for number in range(count):
        people, issued_on = _household(rng, today)
        district = districts[number % len(districts)]
        village = VILLAGES[number % len(VILLAGES)]
        home = AddressInput(
            address=f"Jl. Keluarga No. {number + 1}",
            district_code=district.code,
            rt=f"{rng.randrange(1, 15):03d}",
            rw=f"{rng.randrange(1, 6):03d}",
            village=village,
        )
        niks = [
            f"{nik_prefix(district.code, p.born, p.sex)}{FAMILY_SERIAL + number:04d}"
            for p in people
        ]
        if Resident.objects.filter(nik=niks[0]).exists():
            continue
        parents = (people[0].name.upper(), people[1].name.upper())
        with transaction.atomic():
            residents = []
            for index, (person, nik) in enumerate(zip(people, niks, strict=True)):
                data = _family_input(person, home, nik, parents if index >= 2 else None)
                resident, _warnings = resident_register(
                    office=office, data=data, actor=None, today=today
                )
                residents.append(resident)
            issued_on = min(max(issued_on, people[-1].born + timedelta(days=14)), today)
            family_create(
                office=office,
                head=residents[0],
                home=home,
                members=[(r, p.relation) for r, p in zip(residents[1:], people[1:], strict=True)],
                actor=None,
                issued_on=issued_on,
                no_kk=_siak_no_kk(office, district, issued_on, FAMILY_SERIAL + number),
            )
        added += 1
    return added


@transaction.atomic
def load_demo_families(
    per_office: int = FAMILIES_PER_OFFICE, office_codes: list[str] | None = None
) -> int:
    """Demo families in every demo kab/kota (or those of `office_codes`); returns how many were
    added. Running it again adds none."""
    today = timezone.localdate()
    offices = Office.objects.filter(level=OfficeLevel.REGENCY, region__isnull=False)
    if office_codes:
        offices = offices.filter(code__in=office_codes)
    added = 0
    for office in offices.select_related("region").order_by("code"):
        districts = list(Region.objects.filter(parent=office.region).order_by("code"))
        if districts:
            added += _office_families(office, districts, per_office, today)
    return added
