from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "alur.front"
    label = "front"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alur.front.nav import NavItem, register

        register(NavItem("Beranda", "front:home", order=0))
