from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "alur.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alur.core import checks  # noqa: F401  (registers the production checks)
