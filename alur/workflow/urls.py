from django.urls import path

from alur.workflow import views

app_name = "workflow"

urlpatterns = [
    path("tugas/", views.inbox, name="inbox"),
    path("mulai/", views.start_list, name="start_list"),
    path("tugas/<int:pk>/ambil/", views.task_claim, name="task_claim"),
    path("tugas/<int:pk>/selesai/", views.task_complete, name="task_complete"),
    path("tugas/<int:pk>/lepas/", views.task_release, name="task_release"),
    path("tugas/<int:pk>/catat/", views.task_record, name="task_record"),
    path("perkara/<str:reference>/", views.case_detail, name="case_detail"),
    path("perkara/<str:reference>/batalkan/", views.case_cancel, name="case_cancel"),
    path(
        "perkara/<str:reference>/catatan/<int:pk>/berkas/",
        views.record_file,
        name="record_file",
    ),
    path("pemberitahuan/", views.notifications, name="notifications"),
]
