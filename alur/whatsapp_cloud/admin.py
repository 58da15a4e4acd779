from django.contrib import admin

from alur.core.admin import ReadOnlyAdmin
from alur.whatsapp_cloud.models import BusinessNumber


@admin.register(BusinessNumber)
class BusinessNumberAdmin(ReadOnlyAdmin):
    """Read only: numbers are added by `business_number_create`, which keeps the audit trail."""

    list_display = ["display_number", "label", "purpose", "office", "service_codes", "is_active"]
    list_filter = ["purpose", "is_active", "office"]
    search_fields = ["display_number", "phone_number_id", "label"]
    list_select_related = ["office"]
