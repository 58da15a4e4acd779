from typing import Any

from django.core.management.base import BaseCommand

from alur.org.reference import load_regions


class Command(BaseCommand):
    help = "Load the Kemendagri region codes (data/regions/, idn-area-data 4.0.1, ODbL)."

    def handle(self, *args: Any, **options: Any) -> None:
        results = load_regions()
        if options["verbosity"] < 1:
            return
        for level, result in results.items():
            self.stdout.write(
                f"{level}: {result.created} new, {result.updated} updated, "
                f"{result.unchanged} unchanged"
            )
