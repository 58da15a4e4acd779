from typing import Any

from django.core.management.base import BaseCommand, CommandError

from alur.audit import checkpoints
from alur.audit.verification import verify


class Command(BaseCommand):
    help = (
        "Check every office's audit chain and its heads against the last signed checkpoint; "
        "exit non-zero naming the first bad event of each damaged chain."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify()
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
