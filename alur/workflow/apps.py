from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "alur.workflow"
    label = "workflow"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Alur kerja"

    def ready(self) -> None:
        from alur.front.nav import NavItem, register
        from alur.org.access import Capability, office_ids_for

        def starts_something(user) -> bool:  # type: ignore[no-untyped-def]
            """Staff, and partners who refer residents (S3 starts with their referral)."""
            return any(
                office_ids_for(user, c)
                for c in (Capability.VIEW_OFFICE, Capability.REFER_RESIDENTS)
            )

        register(NavItem("Tugas saya", "workflow:inbox", Capability.VIEW_OFFICE, order=10))
        register(NavItem("Mulai prosedur", "workflow:start_list", order=12, when=starts_something))
