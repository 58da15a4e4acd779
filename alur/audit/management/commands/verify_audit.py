from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from alur.audit import checkpoints
from alur.audit.verification import verify


class Command(BaseCommand):
    help = (
        "Check every office's audit chain and its heads against the last signed checkpoint; "
        "exit non-zero naming the first bad event of each damaged chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint-until",
            metavar="WAKTU",
            help="check against the last checkpoint written at or before this moment "
            "(ISO 8601 with its offset, e.g. 2026-12-07T02:00+07:00): the backup's, after a "
            "restore to an earlier point",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        until = None
        if options.get("checkpoint_until"):
            until = parse_datetime(options["checkpoint_until"])
            if until is None or until.tzinfo is None:
                raise CommandError(
                    "Waktu --checkpoint-until tidak terbaca; tulis seperti "
                    "2026-12-07T02:00+07:00 (dengan zona waktunya)."
                )
        report = verify(until)
        if report.problems:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"audit trail damaged: {len(report.problems)} problem(s)")
        if report.checkpoint is None:
            checked = f"no checkpoint yet in {checkpoints.path()} (run audit_checkpoint)"
        else:
            checked = f"checked against the signed checkpoint of {report.checkpoint.at}"
        redacted = f", {report.redacted} redacted" if report.redacted else ""
        self.stdout.write(f"audit trail intact: {report.events} events{redacted}; {checked}")
