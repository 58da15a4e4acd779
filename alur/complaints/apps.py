from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.menu import MenuItem


class ComplaintsConfig(AppConfig):
    name = "alur.complaints"
    label = "complaints"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Pengaduan"

    def ready(self) -> None:
        from alur.complaints import panels, steps
        from alur.complaints.selectors import team_cases
        from alur.workflow.selectors import register_case_handlers
        from alur.workflow.starts import Start
        from alur.workflow.starts import register as register_start

        register_start(Start("S2g", "complaints:counter", "Catat pengaduan di loket"))
        register_case_handlers(team_cases)  # the answering team reads the office's complaints
        steps.register()
        panels.register()

    def menu(self) -> list[MenuItem]:
        from alur.complaints.selectors import takes_complaints
        from alur.org.access import Capability
        from alur.org.menu import MenuItem

        return [
            MenuItem(label, url_name, Capability.HANDLE_CASES, order, takes_complaints)
            for label, url_name, order in (
                ("Register pengaduan", "complaints:register", 30),
                ("Rekap pengaduan", "complaints:stats", 31),
            )
        ]
