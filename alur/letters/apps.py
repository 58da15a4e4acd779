from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "alur.letters"
    label = "letters"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Naskah dinas"

    def ready(self) -> None:
        from alur.front.nav import NavItem, register
        from alur.letters import steps
        from alur.org.access import Capability

        register(NavItem("Naskah dinas", "letters:list", Capability.HANDLE_CASES, order=55))
        register(NavItem("Arsip dokumen", "archive:archive", Capability.VIEW_OFFICE, order=60))
        steps.register()
