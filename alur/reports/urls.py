from django.urls import path

from alur.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.periods, name="periods"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("cakupan-register/", views.registry_coverage, name="registry_coverage"),
    path("definisi/<int:pk>/", views.definition_edit, name="definition"),
    path("mulai/<str:code>/", views.start, name="start"),
    path("periode/<int:pk>/contoh-impor.xlsx", views.coverage_sample, name="coverage_sample"),
    path("periode/<int:pk>/", views.period_detail, name="period"),
    path("periode/<int:pk>/tutup/", views.period_close, name="period_close"),
    path("periode/<int:pk>/rekap.xlsx", views.recap_xlsx, name="recap_xlsx"),
    path("periode/<int:pk>/rekap.pdf", views.recap_pdf, name="recap_pdf"),
    path("periode/<int:pk>/lakip.<str:fmt>", views.lakip_download, name="lakip"),
    path("periode/<int:pk>/impor/", views.coverage_upload, name="coverage_upload"),
    path("periode/<int:pk>/kantor/<str:code>/", views.submission, name="submission"),
    path("periode/<int:pk>/kantor/<str:code>/unggah/", views.submission_upload, name="upload"),
    path("periode/<int:pk>/kantor/<str:code>/formulir.xlsx", views.form_download, name="form"),
    path("impor/<int:pk>/", views.import_status, name="import_status"),
    path("tugas/<int:pk>/rekap/", views.recap_step, name="recap_step"),
    path("perkara/<str:reference>/konsep/", views.recap_letter, name="recap_letter"),
]
