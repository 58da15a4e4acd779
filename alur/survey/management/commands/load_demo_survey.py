from typing import Any

from django.core.management.base import BaseCommand

from alur.survey.demo import load_surveys


class Command(BaseCommand):
    help = "Type in the demo satisfaction questionnaires of the current quarter (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        added = load_surveys()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Survei kepuasan demo: {added} kuesioner baru.")
