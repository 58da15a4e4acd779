from django.contrib import admin

from alur.core.admin import ReadOnlyAdmin
from alur.whatsapp_cloud.models import BusinessNumber, MessageTemplate


@admin.register(BusinessNumber)
class BusinessNumberAdmin(ReadOnlyAdmin):
    """Read only: numbers are added by `business_number_create`, which keeps the audit trail."""

    list_display = [
        "display_number",
        "label",
        "purpose",
        "office",
        "waba_id",
        "service_codes",
        "is_active",
    ]
    list_filter = ["purpose", "is_active", "office"]
    search_fields = ["display_number", "phone_number_id", "label", "waba_id"]
    list_select_related = ["office"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(ReadOnlyAdmin):
    """Read only: templates are WhatsApp Manager's, kept by `templates_sync` (audited)."""

    list_display = ["name", "language", "status", "category", "body_parameters", "waba_id"]
    list_filter = ["status", "category", "waba_id"]
    search_fields = ["name", "template_id"]
