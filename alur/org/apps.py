from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.menu import MenuItem


class OrgConfig(AppConfig):
    name = "alur.org"
    label = "org"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Kantor dan pegawai"

    def menu(self) -> list[MenuItem]:
        from alur.org.access import Capability
        from alur.org.menu import MenuItem

        return [MenuItem("Kantor", "org:office_list", Capability.VIEW_OFFICE, order=90)]
