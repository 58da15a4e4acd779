from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.menu import MenuItem


class LogisticsConfig(AppConfig):
    name = "alur.logistics"
    label = "logistics"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Logistik blanko"

    def ready(self) -> None:
        from alur.logistics import panels, steps
        from alur.workflow.starts import Start
        from alur.workflow.starts import register as register_start

        # S1 starts at the monitoring and evaluation meeting (step 1): its page takes the kab/kota
        # requests the round answers and the meeting's minutes.
        register_start(
            Start("S1", "logistics:round_start", "Mulai putaran pengambilan blanko KTP-el")
        )
        steps.register_all()
        panels.register_all()

    def menu(self) -> list[MenuItem]:
        from alur.org.access import Capability
        from alur.org.menu import MenuItem

        return [MenuItem("Stok blanko", "logistics:stock", Capability.VIEW_REPORTS, order=70)]
