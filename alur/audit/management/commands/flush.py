"""Django's flush, allowed to empty the audit tables only where AUDIT_ALLOW_FLUSH is on (tests
and development; never production, where the database triggers refuse it)."""

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from alur.audit.guard import flush_allowed


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        if not settings.AUDIT_ALLOW_FLUSH:
            raise CommandError("Jejak audit tidak boleh dikosongkan di produksi; flush dibatalkan.")
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        with flush_allowed(connection):
            super().handle(**options)
