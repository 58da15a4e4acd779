from django.db.models import QuerySet

from alur.audit.models import AuditEvent
from alur.audit.services import Office


def recent_events(office: Office, limit: int = 200) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(office_id=office.pk).order_by("-seq")[:limit]
