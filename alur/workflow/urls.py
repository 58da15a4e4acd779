from django.urls import path

from alur.workflow import notice_views, views

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
    path("pemberitahuan/", notice_views.notifications, name="notifications"),
    path(
        "pemberitahuan/<int:pk>/dibaca/",
        notice_views.notification_read,
        name="notification_read",
    ),
    path("pemberitahuan/cara/", notice_views.notice_preference, name="notice_preference"),
    path("tugas/hampir-lewat/", notice_views.at_risk, name="at_risk"),
    path("tugas/waktu-antre/", notice_views.queue_times, name="queue_times"),
]
