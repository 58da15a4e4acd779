from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.menu import MenuItem


class TteConfig(AppConfig):
    """Issued documents and electronic signatures (TTE): PDF rendering, signing and
    certificates, QR codes, the archive and the public verification page."""

    name = "alur.tte"
    label = "tte"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Dokumen terbit dan TTE"

    def menu(self) -> list[MenuItem]:
        from alur.org.access import Capability
        from alur.org.menu import MenuItem

        return [
            MenuItem("Arsip dokumen", "archive:archive", Capability.VIEW_OFFICE, order=60),
        ]
