"""Demo residents for `make run`: a few hundred people in every demo kab/kota, so that the
coverage from Alur's own register (`/laporan/cakupan-register/`) has something to show.

Written in bulk (not through the audited services: this is sample data, not a registration)
and then counted with the rollup's own repair (`rollup.rebuild`), which is what a bulk import
needs. NIKs follow domain.md's rule (kecamatan, birth date with +40 for women, serial), so the
services' own NIK generation skips them later. Seeded: the same data on every machine.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from alur.org.choices import OfficeLevel
from alur.org.models import Office, Region
from alur.registry import rollup
from alur.registry.choices import MaritalStatus, ResidentStatus, Sex
from alur.registry.models import Resident
from alur.registry.services import nik_prefix

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
    filled = set(Resident.objects.values_list("office_id", flat=True).distinct())
    offices = [
        office
        for office in Office.objects.filter(level=OfficeLevel.REGENCY, region__isnull=False)
        .select_related("region")
        .order_by("code")
        if office.pk not in filled
    ]
    districts: dict[str, list[Region]] = {}
    for district in Region.objects.filter(parent__in=[o.region for o in offices]).order_by("code"):
        districts.setdefault(district.parent_id, []).append(district)
    people = []
    for office in offices:
        rng = random.Random(f"alur-demo-residents-{office.code}")  # noqa: S311 - sample data
        people += _people(office, districts.get(office.region_id, []), per_office, rng, today)
    Resident.objects.bulk_create(people, batch_size=1000)
    added = len(people)
    if added:
        rollup.rebuild(today, reason="penduduk contoh dimuat")
    return added
