from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "alur.letters"
    label = "letters"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Naskah dinas"

    def ready(self) -> None:
        from alur.front.nav import NavItem, register
        from alur.org.access import Capability

        register(NavItem("Arsip dokumen", "archive:archive", Capability.VIEW_OFFICE, order=60))
