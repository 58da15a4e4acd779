from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "alur.registry"
    label = "registry"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Registrasi penduduk"
