from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.menu import MenuItem


class IntakeConfig(AppConfig):
    name = "alur.intake"
    label = "intake"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Permohonan"

    def ready(self) -> None:
        from alur.intake import notices, panels, steps
        from alur.intake.catalogue import SERVICES
        from alur.workflow.starts import Start
        from alur.workflow.starts import register as register_start

        for code, svc in SERVICES.items():
            register_start(
                Start(
                    code,
                    "intake:counter_form",
                    f"Terima permohonan {svc.name} di loket",
                    url_kwargs={"code": code},
                    cancel_on_case_page=True,  # the applicant withdraws
                )
            )
        steps.register()
        notices.register()
        panels.register()

    def menu(self) -> list[MenuItem]:
        from alur.org.access import Capability
        from alur.org.menu import MenuItem

        return [MenuItem("Loket", "intake:counter", Capability.HANDLE_CASES, order=20)]
