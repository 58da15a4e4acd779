from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "alur.outreach"
    label = "outreach"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Dukcapil Siaga"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from alur.front.nav import NavItem, register
        from alur.org.access import Capability
        from alur.outreach import panels, steps
        from alur.outreach.selectors import forget_siaga_offices, runs_siaga
        from alur.sop.models import SopRevision
        from alur.workflow.starts import Start
        from alur.workflow.starts import register as register_start

        register_start(
            Start(
                "S3",
                "outreach:partner_form",
                "Rujuk penduduk rentan",
                Capability.REFER_RESIDENTS,
                by_position=False,
            )
        )
        steps.register()
        post_save.connect(forget_siaga_offices, sender=SopRevision, weak=False)
        panels.register()
        register(
            NavItem("Dukcapil Siaga", "outreach:list", Capability.HANDLE_CASES, 40, runs_siaga)
        )
        register(
            NavItem(
                "Rujukan penduduk rentan", "outreach:partner_list", Capability.REFER_RESIDENTS, 41
            )
        )
