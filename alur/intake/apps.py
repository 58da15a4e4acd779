from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "alur.intake"
    label = "intake"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Permohonan"
