from django.urls import path

from alur.intake import views

app_name = "tracking"

urlpatterns = [
    path("", views.tracking, name="tracking"),
]
