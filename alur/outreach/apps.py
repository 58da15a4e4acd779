from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "alur.outreach"
    label = "outreach"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Dukcapil Siaga"

    def ready(self) -> None:
        from alur.front.nav import NavItem, register
        from alur.org.access import Capability
        from alur.outreach import panels, steps

        steps.register()
        panels.register()
        register(NavItem("Dukcapil Siaga", "outreach:list", Capability.HANDLE_CASES, 40))
        register(
            NavItem(
                "Rujukan penduduk rentan", "outreach:partner_list", Capability.REFER_RESIDENTS, 41
            )
        )
