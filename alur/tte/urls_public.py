from django.urls import path

from alur.tte import views_public

app_name = "verification"

urlpatterns = [
    path("<str:code>/", views_public.document, name="document"),
]
