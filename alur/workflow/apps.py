from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "alur.workflow"
    label = "workflow"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Alur kerja"

    def ready(self) -> None:
        from alur.front.nav import NavItem, register
        from alur.org.access import Capability

        register(NavItem("Tugas saya", "workflow:inbox", Capability.VIEW_OFFICE, order=10))
        register(NavItem("Mulai prosedur", "workflow:start_list", Capability.VIEW_OFFICE, order=12))
