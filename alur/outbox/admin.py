from django.contrib import admin

from alur.core.admin import ReadOnlyAdmin
from alur.outbox.models import OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    """Read only: messages change through the outbox services, which keep the audit trail."""

    list_display = ["created_at", "office", "channel", "kind", "status", "attempts", "error_code"]
    list_filter = ["status", "channel", "kind", "office"]
    search_fields = ["provider_message_id", "dedupe_key", "object_id"]
    list_select_related = ["office"]
    date_hierarchy = "created_at"
