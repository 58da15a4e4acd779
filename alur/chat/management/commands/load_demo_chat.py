from typing import Any

from django.core.management.base import BaseCommand

from alur.chat.demo import load_threads


class Command(BaseCommand):
    help = "Demo WhatsApp conversations with staff: one open thread in Way Kanan (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_threads()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Percakapan WhatsApp demo: {created} baru.")
