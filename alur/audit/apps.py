from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "alur.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.admin.models import LogEntry
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_save

        from alur.audit import guard, signals

        connection_created.connect(guard.on_connection_created, dispatch_uid="audit_guard")
        post_save.connect(signals.admin_change, sender=LogEntry, dispatch_uid="audit_admin")
        post_save.connect(signals.password_change, sender="org.User", dispatch_uid="audit_password")
