from django.urls import path

from alur.audit import views

app_name = "audit"

urlpatterns = [
    path("<str:code>/audit/", views.office_events, name="office_events"),
]
