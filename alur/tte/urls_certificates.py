from django.urls import path

from alur.tte import views_certificates

app_name = "certificates"

urlpatterns = [
    path("", views_certificates.certificates, name="mine"),
]
