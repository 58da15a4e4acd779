from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.menu import MenuItem


class SopConfig(AppConfig):
    name = "alur.sop"
    label = "sop"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from alur.sop.checks import step_keys_handled

        checks.register(step_keys_handled)

    def menu(self) -> list[MenuItem]:
        from alur.org.access import Capability
        from alur.org.menu import MenuItem

        return [MenuItem("SOP", "sop:list", Capability.VIEW_OFFICE, order=80)]
