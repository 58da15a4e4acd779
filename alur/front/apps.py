from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.menu import MenuItem


class FrontConfig(AppConfig):
    name = "alur.front"
    label = "front"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alur.front import nav

        nav.collect()

    def menu(self) -> list[MenuItem]:
        from alur.org.menu import MenuItem

        return [MenuItem("Beranda", "front:home", order=0)]
