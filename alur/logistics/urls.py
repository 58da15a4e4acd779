from django.urls import path

from alur.logistics import views

app_name = "logistics"

urlpatterns = [
    path("", views.stock, name="stock"),
    path("riwayat/<str:code>/<str:item>/", views.history, name="history"),
    path("riwayat/<str:code>/<str:item>/opname/", views.stock_count, name="stock_count"),
    path("riwayat/<str:code>/<str:item>/rusak/", views.damaged, name="damaged"),
    path("rekonsiliasi/", views.reconciliation, name="reconciliation"),
    path("permohonan/", views.requests, name="requests"),
    path("tugas/<int:pk>/", views.step_submit, name="step_submit"),
    path("pembagian/<int:pk>/setujui/", views.allocation_approve, name="allocation_approve"),
    path("porsi/<int:pk>/bast/", views.bast_draft, name="bast_draft"),
    path("porsi/<int:pk>/hibah/", views.hibah_draft, name="hibah_draft"),
]
