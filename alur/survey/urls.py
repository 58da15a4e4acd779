from django.urls import path

from alur.survey import views

app_name = "survey"

urlpatterns = [
    path("ikm/", views.ikm_page, name="ikm"),
    path("ikm/excel/", views.ikm_export, name="ikm_export"),
    path("<str:token>/", views.public, name="public"),
]
