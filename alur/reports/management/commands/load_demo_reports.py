from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alur.reports.demo import load_demo_reports


class Command(BaseCommand):
    help = (
        "Definisi laporan demo (S0 Babel, S4 Sumatera Barat) dan data cakupan bulan lalu; dengan "
        "--periode juga satu minggu S0 dan satu bulan S4 yang sedang berjalan (idempoten)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--periode",
            action="store_true",
            help="buka minggu S0 (kab/kota tepat waktu, terlambat, tidak melapor) dan bulan S4 "
            "(impor belum dilakukan) bila belum ada periode terbuka",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_demo_reports(open_periods=options["periode"])
        if int(options.get("verbosity", 1)) >= 1:
            self.stdout.write(f"Laporan demo siap ({created} bulan data cakupan baru).")
