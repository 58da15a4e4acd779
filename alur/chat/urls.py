from django.urls import path

from alur.chat import views

app_name = "chat"

urlpatterns = [
    path("", views.thread_list, name="list"),
    path("<int:pk>/", views.thread_detail, name="thread"),
    path("<int:pk>/berkas/<int:message_pk>/", views.thread_file, name="file"),
]
