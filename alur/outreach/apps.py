from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.menu import MenuItem


class OutreachConfig(AppConfig):
    name = "alur.outreach"
    label = "outreach"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Dukcapil Siaga"

    def ready(self) -> None:
        from alur.org.access import Capability
        from alur.outreach import panels, steps
        from alur.workflow.starts import Start
        from alur.workflow.starts import register as register_start

        register_start(
            Start(
                "S3",
                "outreach:partner_form",
                "Rujuk penduduk rentan",
                Capability.REFER_RESIDENTS,
                by_position=False,
            )
        )
        steps.register()
        panels.register()

    def menu(self) -> list[MenuItem]:
        from alur.org.access import Capability
        from alur.org.menu import MenuItem
        from alur.outreach.selectors import runs_siaga

        return [
            MenuItem("Dukcapil Siaga", "outreach:list", Capability.HANDLE_CASES, 40, runs_siaga),
            MenuItem(
                "Rujukan penduduk rentan", "outreach:partner_list", Capability.REFER_RESIDENTS, 41
            ),
        ]
