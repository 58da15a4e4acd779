"""Loading the Kemendagri region codes from the versioned data files in data/regions/."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from alur.audit.services import record
from alur.org.choices import RegionLevel
from alur.org.models import Region

DATA_DIR = Path(settings.BASE_DIR) / "data" / "regions"
FILES = [
    ("provinces.csv", RegionLevel.PROVINCE, None),
    ("regencies.csv", RegionLevel.REGENCY, "province_code"),
    ("districts.csv", RegionLevel.DISTRICT, "regency_code"),
]


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def load_regions(data_dir: Path = DATA_DIR) -> dict[str, LoadResult]:
    """Insert or update every region in the data files; idempotent."""
    existing = {r.code: r for r in Region.objects.all()}
    results: dict[str, LoadResult] = {}
    for file_name, level, parent_column in FILES:
        result = results[level] = LoadResult()
        to_create: list[Region] = []
        to_update: list[Region] = []
        with (data_dir / file_name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code, name = row["code"].strip(), row["name"].strip()
                parent_id = row[parent_column].strip() if parent_column else None
                current = existing.get(code)
                if current is None:
                    region = Region(code=code, name=name, level=level, parent_id=parent_id)
                    to_create.append(region)
                    existing[code] = region
                elif (current.name, current.level, current.parent_id) != (name, level, parent_id):
                    current.name, current.level, current.parent_id = name, level, parent_id
                    to_update.append(current)
                else:
                    result.unchanged += 1
        Region.objects.bulk_create(to_create, batch_size=1000)
        Region.objects.bulk_update(to_update, ["name", "level", "parent"], batch_size=1000)
        result.created, result.updated = len(to_create), len(to_update)
    if any(r.created or r.updated for r in results.values()):
        record(
            actor=None,
            office=None,
            action="regions.load",
            after={level: [r.created, r.updated] for level, r in results.items()},
            reason=f"data/regions ({data_dir.name})",
        )
    return results
