from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "alur.letters"
    label = "letters"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Naskah dinas"
