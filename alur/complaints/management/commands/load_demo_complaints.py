from typing import Any

from django.core.management.base import BaseCommand

from alur.complaints.demo import load_team


class Command(BaseCommand):
    help = "Appoint the demo answering team (Tim Penjawab Aduan) of Way Kanan (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        added = load_team()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Tim penjawab aduan: {added} anggota baru.")
