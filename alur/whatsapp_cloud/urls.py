from django.urls import path

from alur.whatsapp_cloud import views

app_name = "whatsapp_cloud"

urlpatterns = [
    path("<str:code>/whatsapp/templat/sinkronkan/", views.templates_sync, name="templates_sync"),
]
