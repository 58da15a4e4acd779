from django.contrib import admin

from alur.audit.models import AuditEvent
from alur.core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "office", "seq", "actor_label", "action", "object_label"]
    list_filter = ["action"]
    search_fields = ["object_id", "actor_label", "office__code"]
