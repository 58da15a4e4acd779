from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.menu import MenuItem


class OutboxConfig(AppConfig):
    name = "alur.outbox"
    label = "outbox"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Pesan keluar"

    def ready(self) -> None:
        import alur.outbox.senders  # noqa: F401 - registers the channels' senders

    def menu(self) -> list[MenuItem]:
        from alur.org.access import Capability
        from alur.org.menu import MenuItem

        return [MenuItem("Pesan keluar", "outbox:list", Capability.VIEW_AUDIT, order=70)]
