from django.urls import path

from alur.tte import views_archive

app_name = "archive"

urlpatterns = [
    path("", views_archive.archive, name="archive"),
    path("<int:pk>/unduh/", views_archive.download, name="download"),
]
