from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alur.outbox.choices import MessageStatus
from alur.outbox.delivery import deliver_due
from alur.outbox.models import OutboundMessage


class Command(BaseCommand):
    help = (
        "Send the due outbound messages now (as the worker does every minute), first putting "
        "back sends that were interrupted; e.g. right after an outage is over."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=1000, help="at most this many sends")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = deliver_due(limit=options["limit"])
        waiting = OutboundMessage.objects.filter(status=MessageStatus.QUEUED).count()
        failed = OutboundMessage.objects.filter(status=MessageStatus.FAILED).count()
        self.stdout.write(f"terkirim {sent}; masih dalam antrean {waiting}; gagal {failed}")
