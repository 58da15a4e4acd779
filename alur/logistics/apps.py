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
        from alur.workflow.starts import Start
        from alur.workflow.starts import register as register_start

        register(NavItem("Stok blanko", "logistics:stock", Capability.VIEW_REPORTS, order=70))
        # S1 starts at the monitoring and evaluation meeting (step 1): its page takes the kab/kota
        # requests the round answers and the meeting's minutes.
        register_start(
            Start("S1", "logistics:round_start", "Mulai putaran pengambilan blanko KTP-el")
        )
        handlers.register_all()
        panels.register_all()
