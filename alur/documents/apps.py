from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "alur.documents"
    label = "documents"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Dokumen kependudukan"

    def ready(self) -> None:
        from alur.documents import catalogue, panels, registers, steps
        from alur.reports.counts import register_count_provider

        steps.register()
        panels.register()
        catalogue.register()
        register_count_provider(registers.report_counts)
