from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.models import Office


class WhatsappCloudConfig(AppConfig):
    name = "alur.whatsapp_cloud"
    label = "whatsapp_cloud"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "WhatsApp Cloud API"

    def office_section(self, office: Office) -> dict[str, Any]:
        """The office page's WhatsApp section (whatsapp_cloud/office_templates.html): the
        office's numbers, the templates Alur's notices need with their state, and every
        template of the numbers' accounts as last synced."""
        from alur.whatsapp_cloud.selectors import office_templates

        return {"whatsapp": office_templates(office)}
