from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alur.sop.loader import SopLoadError
from alur.sop.services import sops_sync


class Command(BaseCommand):
    help = "Store the SOP files (default: sops/) as revisions; new cases use the newest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = sops_sync(paths=options["paths"] or None)
        except SopLoadError as error:
            for problem in error.errors:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(error.errors)} problem(s); nothing was stored") from error
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"SOP: {len(result.created)} new ({', '.join(result.created) or '-'}), "
                f"{len(result.unchanged)} unchanged"
            )
