from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "alur.outbox"
    label = "outbox"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Pesan keluar"

    def ready(self) -> None:
        import alur.outbox.senders  # noqa: F401 - registers the channels' senders
        from alur.front.nav import NavItem, register
        from alur.org.access import Capability

        register(NavItem("Pesan keluar", "outbox:list", Capability.VIEW_AUDIT, order=70))
