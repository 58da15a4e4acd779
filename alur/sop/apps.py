from django.apps import AppConfig


class SopConfig(AppConfig):
    name = "alur.sop"
    label = "sop"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alur.front.nav import NavItem, register
        from alur.org.access import Capability

        register(NavItem("SOP", "sop:list", Capability.VIEW_OFFICE, order=80))
