from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "alur.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Laporan berkala dan dasbor"

    def ready(self) -> None:
        from alur.front.nav import NavItem, register
        from alur.org.access import Capability
        from alur.reports import handlers, panels
        from alur.reports.whatsapp import document_receive
        from alur.whatsapp.conversation import register_inbound_handler

        register(NavItem("Laporan berkala", "reports:periods", Capability.VIEW_REPORTS, order=60))
        register(NavItem("Dasbor kinerja SOP", "reports:dashboard", Capability.VIEW_REPORTS, 61))
        handlers.register_all()
        panels.register_all()
        register_inbound_handler(document_receive)
