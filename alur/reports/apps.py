from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.menu import MenuItem


class ReportsConfig(AppConfig):
    name = "alur.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Laporan berkala dan dasbor"

    def ready(self) -> None:
        from alur.reports import panels, steps
        from alur.workflow.starts import Start
        from alur.workflow.starts import register as register_start

        # The SOPs' first steps: S0's Kasi sets the week's format, S4's Kabid gives direction.
        register_start(
            Start(
                "S0",
                "reports:start",
                "Buka periode laporan mingguan",
                position_kinds=("kasi",),
                url_kwargs={"code": "S0"},
            )
        )
        register_start(
            Start(
                "S4",
                "reports:start",
                "Mulai rekap cakupan bulanan",
                position_kinds=("kabid",),
                url_kwargs={"code": "S4"},
            )
        )
        steps.register_all()
        panels.register_all()

    def menu(self) -> list[MenuItem]:
        from alur.org.access import Capability
        from alur.org.menu import MenuItem

        return [
            MenuItem("Laporan berkala", "reports:periods", Capability.VIEW_REPORTS, order=60),
            MenuItem("Dasbor kinerja SOP", "reports:dashboard", Capability.VIEW_REPORTS, 61),
        ]
