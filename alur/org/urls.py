from django.urls import path

from alur.org import views

app_name = "org"

urlpatterns = [
    path("", views.office_list, name="office_list"),
    path("<str:code>/", views.office_detail, name="office_detail"),
    path("<str:code>/audit/", views.office_events, name="office_events"),
]
