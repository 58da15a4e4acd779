from django.urls import path

from alur.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.counter, name="counter"),
    path("berkas/<int:pk>/", views.attachment, name="attachment"),
    path("tugas/<int:pk>/kembalikan/", views.requirements_return, name="requirements_return"),
    path("susulan/<str:reference>/", views.resubmit, name="resubmit"),
    path("<str:code>/", views.counter_form, name="counter_form"),
]
