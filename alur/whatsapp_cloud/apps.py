from django.apps import AppConfig


class WhatsappCloudConfig(AppConfig):
    name = "alur.whatsapp_cloud"
    label = "whatsapp_cloud"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "WhatsApp Cloud API"
