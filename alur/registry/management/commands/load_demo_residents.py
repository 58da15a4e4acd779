from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alur.registry.demo import FAMILIES_PER_OFFICE, load_demo_families, load_demo_residents


class Command(BaseCommand):
    help = (
        "Load sample residents into every demo kab/kota that has none, and its demo families "
        "(KK with head, spouse and children) once (for `make run`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--per-office", type=int, default=200)
        parser.add_argument("--families", type=int, default=FAMILIES_PER_OFFICE)
        parser.add_argument(
            "--kantor",
            action="append",
            default=[],
            help="only the families of this office code (repeatable), e.g. 18.08",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        added = 0 if options["kantor"] else load_demo_residents(options["per_office"])
        families = load_demo_families(options["families"], options["kantor"] or None)
        if options["verbosity"] >= 1:
            self.stdout.write(f"Penduduk contoh: {added} baru. Keluarga contoh: {families} baru.")
