from django.core.management.base import BaseCommand

from alur.reports.demo import load_demo_reports


class Command(BaseCommand):
    help = "Definisi laporan demo (S0 Babel, S4 Sumatera Barat) dan data cakupan bulan lalu."

    def handle(self, *args: object, **options: object) -> None:
        created = load_demo_reports()
        if int(options.get("verbosity", 1)) >= 1:  # type: ignore[call-overload]
            self.stdout.write(f"Laporan demo siap ({created} bulan data cakupan baru).")
