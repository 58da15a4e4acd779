from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.menu import MenuItem


class WorkflowConfig(AppConfig):
    name = "alur.workflow"
    label = "workflow"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Alur kerja"

    def ready(self) -> None:
        from alur.workflow import steps  # noqa: F401 - declares the engine's own step key

    def menu(self) -> list[MenuItem]:
        from alur.org.access import Capability, office_ids_for
        from alur.org.menu import MenuItem
        from alur.org.models import User
        from alur.workflow.notice_selectors import sees_at_risk

        def starts_something(user: User) -> bool:
            """Staff, and partners who refer residents (S3 starts with their referral)."""
            return any(
                office_ids_for(user, c)
                for c in (Capability.VIEW_OFFICE, Capability.REFER_RESIDENTS)
            )

        return [
            MenuItem("Tugas saya", "workflow:inbox", Capability.VIEW_OFFICE, order=10),
            MenuItem("Mulai prosedur", "workflow:start_list", order=12, when=starts_something),
            MenuItem(
                "Hampir lewat janji layanan",
                "workflow:at_risk",
                Capability.PARAF,
                order=14,
                when=sees_at_risk,
            ),
            MenuItem(
                "Waktu antre langkah SOP",
                "workflow:queue_times",
                Capability.MANAGE_CALENDAR,
                order=92,
            ),
        ]
