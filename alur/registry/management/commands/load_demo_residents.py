from django.core.management.base import BaseCommand

from alur.registry.demo import load_demo_residents


class Command(BaseCommand):
    help = "Load sample residents into every demo kab/kota that has none (for `make run`)."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--per-office", type=int, default=200)

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        added = load_demo_residents(options["per_office"])
        if options["verbosity"] >= 1:
            self.stdout.write(f"Penduduk contoh: {added} baru.")
