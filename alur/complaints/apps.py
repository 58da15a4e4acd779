from typing import Any

from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "alur.complaints"
    label = "complaints"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Pengaduan"

    def ready(self) -> None:
        from alur.complaints import panels, steps
        from alur.front.nav import NavItem, register
        from alur.org.access import Capability

        steps.register()
        panels.register()
        from alur.complaints.selectors import staff_offices

        def takes_complaints(user: Any) -> bool:
            return bool(staff_offices(user))

        for label, url_name, order in (
            ("Register pengaduan", "complaints:register", 30),
            ("Rekap pengaduan", "complaints:stats", 31),
        ):
            register(NavItem(label, url_name, Capability.HANDLE_CASES, order, takes_complaints))
