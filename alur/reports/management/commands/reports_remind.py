from django.core.management.base import BaseCommand

from alur.reports.services.reminders import reminders_send


class Command(BaseCommand):
    help = "Kirim pengingat laporan berkala kepada kab/kota yang belum mengirim sebelum tenggat."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"{reminders_send()} orang diingatkan.")
