"""Check SOP files: one line per SOP that loads, every error as file:step:field: message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alur.sop.loader import SOP_DIR, check_paths
from alur.sop.schema import Sop


def summary(sop: Sop) -> str:
    actors = ",".join(actor.id for actor in sop.actors)
    return f"{sop.code} r{sop.revision}  {sop.name}  steps={len(sop.steps)}  actors={actors}"


class Command(BaseCommand):
    help = "Validate SOP files (default: every file in sops/) against the schema and registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help="SOP files or directories of them (default: sops/)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"] or [SOP_DIR]
        report = check_paths(paths)
        for _, sop in report.sops:
            self.stdout.write(summary(sop))
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(
                f"{len(report.errors)} error(s); "
                f"{len(report.sops)} of {len(report.files)} SOP file(s) valid"
            )
