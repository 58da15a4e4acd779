from django.urls import path

from alur.worktime import views

app_name = "worktime"

urlpatterns = [
    path("<str:code>/penutupan/", views.closure_add, name="closure_add"),
    path("<str:code>/penutupan/<int:pk>/hapus/", views.closure_remove, name="closure_remove"),
    path("<str:code>/jam-kerja/", views.hours_set, name="hours_set"),
    path("<str:code>/jam-kerja/bawaan/", views.hours_reset, name="hours_reset"),
]
