from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.menu import MenuItem


class ChatConfig(AppConfig):
    name = "alur.chat"
    label = "chat"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Percakapan WhatsApp"

    def ready(self) -> None:
        from alur.chat.panels import consent_panel
        from alur.workflow.panels import register_case_panel

        register_case_panel(consent_panel)

    def menu(self) -> list[MenuItem]:
        from alur.chat.selectors import serves_public
        from alur.org.access import Capability
        from alur.org.menu import MenuItem

        return [
            MenuItem("Percakapan WhatsApp", "chat:list", Capability.HANDLE_CASES, 25, serves_public)
        ]
