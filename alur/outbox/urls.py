from django.urls import path

from alur.outbox import views

app_name = "outbox"

urlpatterns = [
    path("", views.message_list, name="list"),
    path("<int:pk>/kirim-ulang/", views.message_retry, name="retry"),
]
