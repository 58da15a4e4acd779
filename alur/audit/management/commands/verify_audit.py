from django.core.management.base import BaseCommand, CommandError

from alur.audit.models import AuditEvent
from alur.audit.verification import verify_all


class Command(BaseCommand):
    help = "Check every office's audit chain; exit non-zero naming the first bad event."

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        problems = list(verify_all())
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"audit trail damaged in {len(problems)} chain(s)")
        self.stdout.write(f"audit trail intact: {AuditEvent.objects.count()} events")
