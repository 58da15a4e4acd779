from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "alur.logistics"
    label = "logistics"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Logistik blanko"

    def ready(self) -> None:
        from alur.front.nav import NavItem, register
        from alur.logistics import handlers, panels
        from alur.org.access import Capability

        register(NavItem("Stok blanko", "logistics:stock", Capability.VIEW_REPORTS, order=70))
        handlers.register_all()
        panels.register_all()
