from django.urls import path

from alur.whatsapp import views

app_name = "whatsapp"

urlpatterns = [
    path("webhook/", views.webhook, name="webhook"),
]
