from django.urls import path

from alur.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.counter, name="counter"),
    path("<str:code>/", views.counter_form, name="counter_form"),
]
