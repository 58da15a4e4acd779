"""`manage.py whatsapp_templates_sync [--office CODE] [--wait SECONDS]`: read the message
templates of every WhatsApp Business Account with an active number from the Graph API (as the
worker does every hour). `--wait` retries while the API cannot be reached (`make run` starts
the local Graph API server beside it)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alur.org.models import Office
from alur.whatsapp_cloud.services import templates_sync_all
from alur.whatsapp_cloud.transport import WhatsAppError


class Command(BaseCommand):
    help = (
        "Sync the WhatsApp message templates (name, language, category, status, parameters) "
        "of every business account with an active number from the Graph API."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--office", help="only the numbers of this office (its code)")
        parser.add_argument(
            "--wait",
            type=float,
            default=0,
            help="keep trying this many seconds while the Graph API cannot be reached",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        office = None
        if options["office"]:
            office = Office.objects.filter(code=options["office"]).first()
            if office is None:
                raise CommandError(f"Kantor dengan kode {options['office']} tidak ada.")
        deadline = time.monotonic() + max(options["wait"], 0)
        while True:
            try:
                results = templates_sync_all(office=office)
                break
            except WhatsAppError as error:
                if not error.retryable or time.monotonic() >= deadline:
                    raise CommandError(f"Sinkronisasi templat gagal: {error}") from error
                time.sleep(0.5)
        if not results:
            self.stdout.write("Tidak ada nomor aktif dengan ID akun WhatsApp Business.")
        for result in results:
            self.stdout.write(
                f"WABA {result.waba_id}: {result.listed} templat; baru {len(result.added)}, "
                f"berubah {len(result.changed)}, dihapus {len(result.removed)}"
            )
