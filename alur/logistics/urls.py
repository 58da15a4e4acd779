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
    path("permohonan/<int:pk>/gabung/", views.round_join, name="round_join"),
    path("putaran/mulai/", views.round_start, name="round_start"),
    path(
        "perkara/<str:reference>/surat-permohonan/",
        views.request_letter_draft,
        name="request_letter_draft",
    ),
    path(
        "perkara/<str:reference>/surat-pengantar/",
        views.cover_letter_draft,
        name="cover_letter_draft",
    ),
    path("pengiriman/<int:pk>/<str:which>/", views.shipment_file, name="shipment_file"),
    path("pembagian/<int:pk>/setujui/", views.allocation_approve, name="allocation_approve"),
    path("porsi/<int:pk>/bast/", views.bast_draft, name="bast_draft"),
    path("porsi/<int:pk>/hibah/", views.hibah_draft, name="hibah_draft"),
]
