"""Write the register's residents as the local SIAK/Dukcapil server's seed (`make run`:
var/siak_residents.json, read by `python -m peers.siak --residents`). Development only: the
file holds residents' data in the clear, as the demo's own register does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from alur.registry.models import FamilyMember, Resident


def resident_rows() -> list[dict[str, Any]]:
    """Every resident as peers/siak/PROTOCOL.md's seed row, with their current No. KK."""
    no_kk = dict(
        FamilyMember.objects.filter(until__isnull=True).values_list("resident_id", "family__no_kk")
    )
    rows = []
    for resident in Resident.objects.select_related("district").order_by("pk").iterator(2000):
        rows.append(
            {
                "nik": resident.nik,
                "name": resident.name,
                "birth_place": resident.birth_place,
                "birth_date": resident.birth_date.isoformat(),
                "sex": resident.sex,
                "no_kk": no_kk.get(resident.pk, ""),
                "address": resident.address,
                "rt": resident.rt,
                "rw": resident.rw,
                "village": resident.village,
                "district_code": resident.district_id,
                "district_name": resident.district.name,
                "mother_name": resident.mother_name,
                "father_name": resident.father_name,
                "religion": resident.get_religion_display() if resident.religion else "",
                "marital_status": resident.get_marital_status_display(),
                "occupation": resident.occupation,
                "status": "dead"
                if resident.status == "dead"
                else "alive",  # moved: still a resident
            }
        )
    return rows


class Command(BaseCommand):
    help = "Write the residents as the local SIAK/Dukcapil server's seed (var/siak_residents.json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(Path(settings.VAR_DIR) / "siak_residents.json"))

    def handle(self, *args: Any, **options: Any) -> None:
        rows = resident_rows()
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        temporary = output.with_suffix(".tmp")
        temporary.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        temporary.replace(output)
        if options["verbosity"] >= 1:
            self.stdout.write(f"{len(rows)} penduduk ditulis ke {output}.")
