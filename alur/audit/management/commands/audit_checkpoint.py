from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alur.audit import checkpoints


class Command(BaseCommand):
    help = "Append a signed checkpoint of every audit chain head to the checkpoint file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="write one even when no head moved"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        written = checkpoints.write(force=options["force"])
        if written is None:
            self.stdout.write(
                f"no chain head moved since the last checkpoint ({checkpoints.path()})"
            )
            return
        self.stdout.write(
            f"checkpoint of {len(written.heads)} chains written to {checkpoints.path()}"
        )
