from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "alur.org"
    label = "org"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Kantor dan pegawai"

    def ready(self) -> None:
        from alur.front.nav import NavItem, register
        from alur.org.access import Capability

        register(NavItem("Kantor", "org:office_list", Capability.VIEW_OFFICE, order=90))
