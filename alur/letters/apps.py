from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.menu import MenuItem


class LettersConfig(AppConfig):
    name = "alur.letters"
    label = "letters"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Naskah dinas"

    def ready(self) -> None:
        from alur.letters import steps

        steps.register()

    def menu(self) -> list[MenuItem]:
        from alur.org.access import Capability
        from alur.org.menu import MenuItem

        return [
            MenuItem("Naskah dinas", "letters:list", Capability.HANDLE_CASES, order=55),
        ]
