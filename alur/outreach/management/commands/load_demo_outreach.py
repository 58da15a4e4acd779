from typing import Any

from django.core.management.base import BaseCommand

from alur.outreach.demo import load_demo_referrals


class Command(BaseCommand):
    help = "Load the demo Dukcapil Siaga referrals of Kota Metro (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        added = load_demo_referrals()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Rujukan Dukcapil Siaga: {added} baru.")
