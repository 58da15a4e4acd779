from datetime import date

from django.core.management.base import BaseCommand, CommandParser

from alur.registry import rollup


class Command(BaseCommand):
    help = (
        "Hitung ulang seluruh rekap penduduk (dasar indikator cakupan) dari data penduduk, "
        "dengan umur per hari ini atau per --per."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--per", type=date.fromisoformat, help="tanggal umur (YYYY-MM-DD)")
        parser.add_argument("--alasan", default="", help="alasan hitung ulang (jejak audit)")

    def handle(self, *args: object, **options: object) -> None:
        day = options["per"]
        written = rollup.rebuild(
            day if isinstance(day, date) else None, reason=str(options["alasan"] or "")
        )
        self.stdout.write(f"Rekap penduduk per {rollup.as_of():%d-%m-%Y}: {written} baris.")
