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
        register(NavItem("Register pengaduan", "complaints:register", Capability.HANDLE_CASES, 30))
        register(NavItem("Rekap pengaduan", "complaints:stats", Capability.HANDLE_CASES, 31))
