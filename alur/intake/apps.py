from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "alur.intake"
    label = "intake"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Permohonan"

    def ready(self) -> None:
        from alur.front.nav import NavItem, register
        from alur.intake import checking, panels
        from alur.org.access import Capability

        register(NavItem("Loket", "intake:counter", Capability.HANDLE_CASES, order=20))
        checking.register()
        panels.register()
