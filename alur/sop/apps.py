from django.apps import AppConfig


class SopConfig(AppConfig):
    name = "alur.sop"
    label = "sop"
    default_auto_field = "django.db.models.BigAutoField"
